import Registry

extension MemoryQueries {
    public func insertBadge(_ badge: BadgeRecord, logEntry: LogEntryRecord?) async throws -> Int64? {
        try await memory.write { state in
            try state.insertBadge(badge)
            return try logEntry.map { try state.sequence($0) }
        }
    }

    /// Each known jti once, in the order first asked for.
    public func badges(jtis: [String]) async throws -> [BadgeRecord] {
        try await memory.read { state in
            var seen: Set<String> = []
            return jtis.compactMap { jti in seen.insert(jti).inserted ? state.badges[jti] : nil }
        }
    }

    public func badgesWithSubjectAgents(jtis: [String]) async throws -> [String: (badge: BadgeRecord, agents: [SubjectAgent])] {
        try await memory.read { state in
            var result: [String: (badge: BadgeRecord, agents: [SubjectAgent])] = [:]
            for jti in jtis where result[jti] == nil {
                guard let badge = state.badges[jti] else { continue }
                // The join `a.did = b.subject OR a.id = b.agent_id`: each matching agent once.
                let agents = state.agents.values
                    .filter { $0.did == badge.subject || $0.id == badge.agentID }
                    .sorted { $0.id < $1.id }
                    .map { SubjectAgent(id: $0.id, did: $0.did, status: $0.status) }
                result[jti] = (badge, agents)
            }
            return result
        }
    }

    public func revokeBadge(jti: String, orgID: String, reason: String?, at: Int64) async throws -> BadgeRecord? {
        try await memory.write { state in
            guard var badge = state.badges[jti], badge.orgID == orgID else { return nil }
            if badge.revokedAt == nil {
                badge.revokedAt = at
                badge.revocationReason = reason
                state.badges[jti] = badge
            }
            return badge
        }
    }

    public func revocations(since: Int64?, after cursor: RevocationCursor?, limit: Int?) async throws -> [BadgeRecord] {
        try await memory.read { state in
            state.badges.values
                .filter { badge in
                    guard let revokedAt = badge.revokedAt else { return false }
                    if let since, revokedAt < since { return false }
                    if let cursor, (revokedAt, badge.jti) <= (cursor.revokedAt, cursor.jti) { return false }
                    return true
                }
                .sorted { ($0.revokedAt ?? 0, $0.jti) < ($1.revokedAt ?? 0, $1.jti) }
                .limited(limit)
        }
    }

    public func kidsWithUnexpiredBadges(_ kids: [String], now: Int64) async throws -> Set<String> {
        try await memory.read { state in
            let asked = Set(kids)
            return Set(state.badges.values.filter { asked.contains($0.kid) && $0.expiresAt > now }.map(\.kid))
        }
    }
}

extension InMemoryStore {
    /// One atomic write: the stale entries are left out, the rest go in with their events, and a
    /// failing entry (a duplicate jti or event id) leaves nothing behind.
    public func insertBadges(_ entries: [LedgerEntry]) async throws -> LedgerCommit {
        guard !entries.isEmpty else { return LedgerCommit() }
        return try await memory.write { state in
            let stale = Set(entries.filter { !state.holds($0) }.map(\.badge.jti))
            var logIndices: [String: Int64] = [:]
            for entry in entries where !stale.contains(entry.badge.jti) {
                try state.insertBadge(entry.badge)
                try state.appendEvent(entry.event)
                if let logEntry = entry.logEntry { logIndices[logEntry.jti] = try state.sequence(logEntry) }
            }
            return LedgerCommit(stale: stale, logIndices: logIndices)
        }
    }
}

extension MemoryState {
    mutating func insertBadge(_ badge: BadgeRecord) throws {
        try unique("badges.jti", badges[badge.jti] != nil)
        badges[badge.jti] = badge
    }

    /// Whether an entry's issuance basis still holds: the agent row is at the revision read, and
    /// the key (if any) is unrevoked and not expired at the badge's issue time.
    func holds(_ entry: LedgerEntry) -> Bool {
        guard let basis = entry.basis else { return true }
        guard agents[basis.agent.id]?.revision == basis.agent.revision else { return false }
        guard let keyID = basis.apiKeyID else { return true }
        guard let key = apiKeys[keyID], key.revokedAt == nil else { return false }
        return key.expiresAt.map { entry.badge.issuedAt < $0 } ?? true
    }
}
