import Registry

/// Every table of the registry as plain values: what one `InMemoryStore` holds, and what a
/// transaction copies (copy-on-write) and swaps back in on commit.
///
/// Rows are stored as the SQL adapter would read them back (see `MemoryRows`), so a round trip
/// through this store gives exactly what a round trip through SQLite or PostgreSQL gives.
struct MemoryState: Sendable {
    var organizations: [String: Organization] = [:]
    var apiKeys: [String: APIKeyRecord] = [:]
    var agents: [String: Agent] = [:]
    var caKeys: [String: CAKeyRecord] = [:]
    var badges: [String: BadgeRecord] = [:]
    var rateCounters: [RateWindow: Int] = [:]
    var events: [String: AuditEvent] = [:]
    var agentEvents: [AgentEventKey: AgentEvent] = [:]
    var challenges: [String: ChallengeRecord] = [:]
    /// Remembered proof jtis and when each may be forgotten.
    var proofJTIs: [String: Int64] = [:]
    var users: [String: User] = [:]
    var memberships: [MembershipKey: Membership] = [:]
    var webhookDeliveries: [String: WebhookDelivery] = [:]
    var dvOrders: [String: DVOrder] = [:]
    var dvGrants: [String: DVGrant] = [:]
    var mintedBadges: [String: MintedBadge] = [:]
    /// Transparency log entries; an entry's index is its position.
    var logEntries: [LogEntryRecord] = []
    /// What `indexLogSubjects` recorded: by subject, each entry's index with its record.
    var logSubjects: [String: [Int64: LogEntryRecord]] = [:]
    var logTiles: [LogTileKey: [UInt8]] = [:]
    var logCheckpoints: [Int64: StoredCheckpoint] = [:]
    var consoleSessions: [String: ConsoleSession] = [:]
    var policies: [String: PolicyRecord] = [:]
    var policyGroups: [String: PolicyGroup] = [:]
    /// Memberships by organisation.
    var policyGroupMembers: [String: Set<PolicyGroupMember>] = [:]
    /// Signed-bundle versions by organisation, oldest first: (version, revision).
    var policyBundleVersions: [String: [(version: Int, revision: String)]] = [:]
    /// The trust-state sequence and its journal, oldest first.
    var trustSequence = TrustSequence(sequence: 0, cutoff: 0)
    var trustJournal: [TrustJournalEntry] = []

    init() {}
}

/// The key of one fixed-window rate counter.
struct RateWindow: Hashable, Sendable {
    var bucket: String
    var windowStart: Int64
}

/// The key of one transparency log tile: (level, index).
struct LogTileKey: Hashable, Sendable {
    var level: Int
    var index: Int64
}

/// The key of one membership: (organisation, user).
struct MembershipKey: Hashable, Sendable {
    var orgID: String
    var userID: String
}

/// A webhook delivery id already processed.
struct WebhookDelivery: Sendable {
    var type: String
    var receivedAt: Int64
}

/// A badge minted from a DV grant (the `dv_minted_badges` side table).
struct MintedBadge: Sendable {
    var jti: String
    var subject: String
    var agentSegment: String?
    var grantJTI: String
    var expiresAt: Int64
}

extension MemoryState {
    /// Throws the uniqueness violation the SQL adapter reports (`table.column`) when `taken`.
    func unique(_ constraint: String, _ taken: Bool) throws {
        if taken { throw StoreError.uniqueViolation(constraint: constraint) }
    }

    /// Throws a foreign-key violation when the organisation `orgID` does not exist (both databases
    /// enforce the `REFERENCES organizations(id)` columns).
    func requireOrganization(_ orgID: String, for constraint: String) throws {
        if organizations[orgID] == nil { throw InMemoryStoreError.foreignKeyViolation(constraint: constraint) }
    }
}
