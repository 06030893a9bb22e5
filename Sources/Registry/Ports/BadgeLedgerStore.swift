/// Storage port for the badge ledger: every badge the CA signed, its revocation, and the reads
/// verification needs.
public protocol BadgeLedgerStore: Sendable {
    /// Records `badge` and, when given, its transparency log entry, sequenced in the same call (so
    /// in the caller's transaction, as `TransparencyLogStore` sequences); returns the entry's index.
    func insertBadge(_ badge: BadgeRecord, logEntry: LogEntryRecord?) async throws -> Int64?
    /// The ledger entries among `jtis` (one statement; unknown jtis are left out).
    func badges(jtis: [String]) async throws -> [BadgeRecord]
    /// The ledger entries among `jtis`, by jti, each with the agents that may be its subject: the
    /// one registered with the badge's subject DID and the one it was issued to (zero, one or two).
    func badgesWithSubjectAgents(jtis: [String]) async throws -> [String: (badge: BadgeRecord, agents: [SubjectAgent])]
    /// The ledger entry `jti`; nil when no such badge. Always a read that started after the call
    /// (a store may answer concurrent calls with one statement).
    func badge(jti: String) async throws -> BadgeRecord?
    /// The ledger entry `jti` with the agents that may be its subject (see `badgesWithSubjectAgents`),
    /// read as `badge(jti:)` is.
    func badgeWithSubjectAgents(jti: String) async throws -> (badge: BadgeRecord, agents: [SubjectAgent])?
    /// Revokes the badge `jti` of `orgID` unless already revoked, keeping the first revocation's
    /// time and reason. Returns the record afterwards; nil when the org has no such badge.
    func revokeBadge(jti: String, orgID: String, reason: String?, at: Int64) async throws -> BadgeRecord?
    /// Revoked badges with `revoked_at >= since`, ordered by (revoked_at, jti), after `cursor`,
    /// at most `limit` (nil: all).
    func revocations(since: Int64?, after cursor: RevocationCursor?, limit: Int?) async throws -> [BadgeRecord]
    /// Badges matching `query`, newest first: ordered by (issued_at, jti) descending, after its
    /// cursor, at most its limit.
    func badges(_ query: BadgeQuery) async throws -> [BadgeRecord]
    /// How many badges match `query` (cursor and limit ignored).
    func countBadges(_ query: BadgeQuery) async throws -> Int
    /// Kids among `kids` that signed at least one badge with `expires_at > now`.
    func kidsWithUnexpiredBadges(_ kids: [String], now: Int64) async throws -> Set<String>
}

extension BadgeLedgerStore {
    public func badge(jti: String) async throws -> BadgeRecord? {
        try await badges(jtis: [jti]).first
    }

    public func badgeWithSubjectAgents(jti: String) async throws -> (badge: BadgeRecord, agents: [SubjectAgent])? {
        try await badgesWithSubjectAgents(jtis: [jti])[jti]
    }
}

extension BadgeLedgerStore {
    /// Records `badge` with no log entry (the log is off, or the badge is not the CA's to log).
    public func insertBadge(_ badge: BadgeRecord) async throws {
        _ = try await insertBadge(badge, logEntry: nil)
    }
}
