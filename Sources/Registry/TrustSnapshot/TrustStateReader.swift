import BadgeCore

/// The trust state a snapshot lists (issue #14), rebuilt from the journal and the ledger at a
/// journaled sequence: equal on every replica for equal sequence, whenever it is built, because
/// every list is read as of the sequence's cutoff and its journal (never "now").
public struct TrustState: Sendable, Equatable {
    public var sequence: TrustSequence
    /// Active CA keys, and retired ones while a badge they signed is unexpired at the cutoff.
    public var keys: [SnapshotKey]
    public var revoked: [RevokedBadge]
    public var inactive: [InactiveSubject]
}

/// Reads the trust state at a sequence from the store.
public struct TrustStateReader: Sendable {
    /// The storage ports this use case needs.
    public typealias Store = TrustStateStore & CAKeyStore & UnitOfWork

    let store: any Store

    public init(store: any Store) {
        self.store = store
    }

    /// The current sequence.
    public func sequence() async throws -> TrustSequence {
        try await store.trustSequence()
    }

    /// Journals the current state when the journal is empty (a database that predates it); see
    /// `TrustStateStore.recordTrustBaseline`.
    @discardableResult
    public func recordBaseline(at now: Int64) async throws -> TrustSequence? {
        try await store.inTransaction { tx in try await tx.recordTrustBaseline(at: now) }
    }

    /// Sequence `number` with its cutoff; nil when nothing was journaled under it (0, unknown, or
    /// not yet reached): its state cannot be rebuilt.
    public func journaled(_ number: Int64) async throws -> TrustSequence? {
        try await store.trustJournal(from: number, through: number).first?.sequence
    }

    /// The state at `sequence`.
    public func state(at sequence: TrustSequence) async throws -> TrustState {
        let cutoff = sequence.cutoff
        let statuses = try await store.latestTrustStatuses(through: sequence.sequence)
        let keyStates = statuses.filter { $0.kind == .caKey }
        let retired = keyStates.filter { $0.status == CAKeyRecord.State.retired.rawValue }.map(\.ref)
        let until = try await store.latestBadgeExpiry(kids: retired, at: cutoff)
        let records = Dictionary(try await store.caKeys().map { ($0.kid, $0) }, uniquingKeysWith: { first, _ in first })
        let keys = keyStates.compactMap { change -> SnapshotKey? in
            guard let key = records[change.ref].flatMap({ PublicJWK.fromCompactJSON($0.publicJWK) }) else { return nil }
            switch CAKeyRecord.State(rawValue: change.status) {
            case .active: return SnapshotKey(kid: change.ref, state: .active, key: key)
            case .retired: return until[change.ref].map { SnapshotKey(kid: change.ref, state: .retiring, until: $0, key: key) }
            case .prepared, nil: return nil
            }
        }

        let revoked = try await store.revokedBadges(through: sequence.sequence, expiringAfter: cutoff).map { badge in
            RevokedBadge(jti: badge.jti, exp: badge.expiresAt, revokedAt: badge.revokedAt ?? 0, reason: badge.revocationReason)
        }

        let unusable = Dictionary(statuses.filter { change in
            change.kind == .agent && (change.status == TrustChange.deleted || AgentStatus(rawValue: change.status)?.isUsable == false)
        }.map { ($0.ref, $0) }, uniquingKeysWith: { first, _ in first })
        var inactive: [String: InactiveSubject] = [:]
        for (agentID, subjects) in try await store.badgeSubjects(agentIDs: Array(unusable.keys), at: cutoff) {
            guard let change = unusable[agentID] else { continue }
            let entry = InactiveSubject(did: "", status: change.status == TrustChange.deleted ? .deleted : .disabled, since: change.at)
            for subject in subjects {
                var listed = entry
                listed.did = subject
                // One subject named by badges of two agents (a DID freed by a deletion and taken
                // again): keep the later change, so every replica lists the same entry.
                if let other = inactive[subject], (other.since, other.status.rawValue) >= (listed.since, listed.status.rawValue) { continue }
                inactive[subject] = listed
            }
        }
        return TrustState(sequence: sequence, keys: keys, revoked: revoked, inactive: Array(inactive.values))
    }
}
