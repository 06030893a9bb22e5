/// Storage for the Badge CA: key states, the badge ledger, revocations, rate-limit counters,
/// organisation verification and audit events. Part of `RegistryStore`; split out for size.
public protocol BadgeStore: Sendable {
    // MARK: CA keys

    /// Every CA key, oldest first.
    func caKeys() async throws -> [CAKeyRecord]
    /// Adds a key. Throws `StoreError.uniqueViolation` when the kid exists.
    func insertCAKey(_ key: CAKeyRecord) async throws
    /// First start: inserts `candidate` as the active key unless a key is already active (another
    /// process may win the race). Returns the active key afterwards. Serialised across processes.
    func ensureActiveCAKey(_ candidate: CAKeyRecord) async throws -> CAKeyRecord
    /// Makes the prepared or retired key `kid` active and retires the key that was active, in one
    /// transaction. Returns false (changing nothing) when `kid` is unknown.
    func activateCAKey(kid: String, at: Int64) async throws -> Bool
    /// Kids among `kids` that signed at least one badge with `expires_at > now`.
    func kidsWithUnexpiredBadges(_ kids: [String], now: Int64) async throws -> Set<String>

    // MARK: Badge ledger

    func insertBadge(_ badge: BadgeRecord) async throws
    /// Inserts several badges with their audit events in one transaction (group commit), leaving
    /// out every entry whose `basis` no longer holds in that transaction (agent row changed or
    /// gone, API key revoked or expired at the badge's `issuedAt`). Returns the jtis left out.
    /// Opens its own transaction: not for use inside `inTransaction`.
    func insertBadges(_ entries: [LedgerEntry]) async throws -> Set<String>
    /// The ledger entries among `jtis` (one statement; unknown jtis are left out).
    func badges(jtis: [String]) async throws -> [BadgeRecord]
    /// The ledger entries among `jtis`, by jti, each with the agents that may be its subject: the
    /// one registered with the badge's subject DID and the one it was issued to (zero, one or two).
    func badgesWithSubjectAgents(jtis: [String]) async throws -> [String: (badge: BadgeRecord, agents: [SubjectAgent])]
    /// Revokes the badge `jti` of `orgID` unless already revoked, keeping the first revocation's
    /// time and reason. Returns the record afterwards; nil when the org has no such badge.
    func revokeBadge(jti: String, orgID: String, reason: String?, at: Int64) async throws -> BadgeRecord?
    /// Revoked badges with `revoked_at >= since`, ordered by (revoked_at, jti), after `cursor`,
    /// at most `limit` (nil: all).
    func revocations(since: Int64?, after cursor: RevocationCursor?, limit: Int?) async throws -> [BadgeRecord]

    // MARK: Rate limits

    /// Counts one hit for `bucket` in the fixed window starting at `windowStart` and returns the
    /// count including this hit. Atomic across processes. Rows of windows that ended before
    /// `windowStart` may be deleted.
    func incrementRateCounter(bucket: String, windowStart: Int64) async throws -> Int
    /// The count of `bucket` in the window starting at `windowStart`, without counting a hit.
    func rateCount(bucket: String, windowStart: Int64) async throws -> Int

    // MARK: Organisation verification

    /// Records that an operator verified `orgID` at `level` (3 = OV, 4 = EV). False if no such org.
    func setOrganizationVerification(orgID: String, level: Int, note: String, by actor: String, at: Int64) async throws -> Bool

    // MARK: Audit

    func appendEvent(_ event: AuditEvent) async throws
    /// Events matching `query`, ordered by (created_at, id).
    func events(_ query: EventQuery) async throws -> [AuditEvent]
}

extension BadgeStore {
    /// The ledger entry `jti`; nil when no such badge.
    public func badge(jti: String) async throws -> BadgeRecord? {
        try await badges(jtis: [jti]).first
    }

    /// Every event of one org (or of all when nil), oldest first.
    public func events(orgID: String?) async throws -> [AuditEvent] {
        try await events(EventQuery(orgID: orgID))
    }
}
