import Registry

extension MemoryQueries {
    public func recordTrustChanges(_ changes: [TrustChange], at: Int64) async throws -> TrustSequence {
        try await memory.write { state in state.recordTrustChanges(changes, at: at) }
    }

    public func recordTrustBaseline(at: Int64) async throws -> TrustSequence? {
        try await memory.write { state in
            guard state.trustSequence.sequence == 0 else { return nil }
            let keys = state.caKeys.values.compactMap { key -> TrustChange? in
                key.state == .prepared ? nil : .caKey(kid: key.kid, state: key.state, at: key.retiredAt ?? key.activatedAt ?? key.createdAt)
            }
            let unusable = state.agents.values.filter { $0.status == .disabled || $0.status == .suspended }.map { agent in
                TrustChange(kind: .agent, ref: agent.id, status: agent.status.rawValue, at: agent.disabledAt ?? agent.updatedAt)
            }
            let deleted = Set(state.badges.values.compactMap { badge in
                badge.expiresAt > at && badge.agentID.map { state.agents[$0] == nil } == true ? badge.agentID : nil
            }).map { TrustChange.agentDeleted(id: $0, at: 0) }
            let changes = keys + unusable + deleted
            return changes.isEmpty ? nil : state.recordTrustChanges(changes, at: at)
        }
    }

    public func trustSequence() async throws -> TrustSequence {
        try await memory.read(\.trustSequence)
    }

    public func trustJournal(from: Int64, through: Int64) async throws -> [TrustJournalEntry] {
        try await memory.read { state in
            state.trustJournal.filter { $0.sequence.sequence >= from && $0.sequence.sequence <= through }
        }
    }

    public func latestTrustStatuses(through: Int64) async throws -> [TrustChange] {
        try await memory.read { state in
            var latest: [String: TrustChange] = [:]
            for entry in state.trustJournal where entry.sequence.sequence <= through && entry.change.kind != .revocation {
                latest["\(entry.change.kind.rawValue) \(entry.change.ref)"] = entry.change
            }
            return Array(latest.values)
        }
    }

    public func revokedBadges(through: Int64, expiringAfter cutoff: Int64) async throws -> [BadgeRecord] {
        try await memory.read { state in
            let later = Set(state.trustJournal.filter { $0.sequence.sequence > through && $0.change.kind == .revocation }.map(\.change.ref))
            return state.badges.values.filter { $0.revokedAt != nil && $0.expiresAt > cutoff && !later.contains($0.jti) }
        }
    }

    public func badgeSubjects(agentIDs: [String], at cutoff: Int64) async throws -> [String: Set<String>] {
        let wanted = Set(agentIDs)
        return try await memory.read { state in
            var subjects: [String: Set<String>] = [:]
            for badge in state.badges.values where badge.expiresAt > cutoff && badge.issuedAt <= cutoff {
                guard let agentID = badge.agentID, wanted.contains(agentID) else { continue }
                subjects[agentID, default: []].insert(badge.subject)
            }
            return subjects
        }
    }

    public func latestBadgeExpiry(kids: [String], at cutoff: Int64) async throws -> [String: Int64] {
        let wanted = Set(kids)
        return try await memory.read { state in
            var latest: [String: Int64] = [:]
            for badge in state.badges.values where wanted.contains(badge.kid) && badge.expiresAt > cutoff && badge.issuedAt <= cutoff {
                latest[badge.kid] = max(latest[badge.kid] ?? badge.expiresAt, badge.expiresAt)
            }
            return latest
        }
    }
}

extension MemoryState {
    /// Journals `changes` under the next sequence, as `TrustStateStore.recordTrustChanges` does.
    @discardableResult
    mutating func recordTrustChanges(_ changes: [TrustChange], at: Int64) -> TrustSequence {
        trustSequence = TrustSequence(sequence: trustSequence.sequence + 1, cutoff: max(trustSequence.cutoff, at))
        let sequence = trustSequence
        trustJournal += TrustChange.lastPerKey(changes).map { TrustJournalEntry(sequence: sequence, change: $0) }
            .sorted { ($0.change.kind.rawValue, $0.change.ref) < ($1.change.kind.rawValue, $1.change.ref) }
        return sequence
    }
}
