/// Runs several writes as one: committed together when the body returns, rolled back when it throws.
public protocol UnitOfWork: Sendable {
    /// Runs `body` with a transaction handle; used to write a change and its audit event together.
    /// The handle offers only `StoreTransaction` operations.
    func inTransaction<T: Sendable>(_ body: @Sendable (any StoreTransaction) async throws -> T) async throws -> T
}

/// Recording issued badges, in a transaction of its own.
public protocol LedgerBatching: Sendable {
    /// Inserts several badges with their audit events in one transaction, leaving out every entry
    /// whose `basis` no longer holds in that transaction (agent row changed or gone, API key
    /// revoked or expired at the badge's `issuedAt`), and sequences the transparency log entries
    /// of those kept in the same transaction.
    func insertBadges(_ entries: [LedgerEntry]) async throws -> LedgerCommit
    /// Records one issued badge as `insertBadges` does. Returns only once the badge is committed.
    /// A store may commit the badges of concurrent calls in one transaction (group commit).
    func recordIssuance(_ entry: LedgerEntry) async throws -> LedgerRecording
}

extension LedgerBatching {
    public func recordIssuance(_ entry: LedgerEntry) async throws -> LedgerRecording {
        try await insertBadges([entry]).recording(of: entry.badge.jti)
    }
}

/// What one `insertBadges` transaction did.
public struct LedgerCommit: Sendable, Equatable {
    /// The jtis left out because their basis no longer held.
    public var stale: Set<String>
    /// The transparency log index of each kept badge that has a log entry.
    public var logIndices: [String: Int64]

    public init(stale: Set<String> = [], logIndices: [String: Int64] = [:]) {
        self.stale = stale
        self.logIndices = logIndices
    }

    /// The indices of `entries` sequenced in order from `first`, by jti.
    public static func indices(of entries: [LogEntryRecord], from first: Int64) -> [String: Int64] {
        Dictionary(entries.enumerated().map { ($1.jti, first + Int64($0)) }, uniquingKeysWith: { earlier, _ in earlier })
    }

    /// The outcome for the badge `jti` of this commit.
    public func recording(of jti: String) -> LedgerRecording {
        stale.contains(jti) ? .stale : .recorded(logIndex: logIndices[jti])
    }
}

/// What the ledger did with one issued badge.
public enum LedgerRecording: Sendable, Equatable {
    /// Committed, with its transparency log index (nil when the log is off).
    case recorded(logIndex: Int64?)
    /// Its basis no longer held: nothing was written.
    case stale
}

/// CA key state changes, serialised across server processes (each in a transaction of its own).
public protocol CAKeyElection: Sendable {
    /// First start: inserts `candidate` as the active key unless a key is already active (another
    /// process may win the race). Returns the active key afterwards.
    func ensureActiveCAKey(_ candidate: CAKeyRecord) async throws -> CAKeyRecord
    /// Makes the prepared or retired key `kid` active and retires the key that was active, in one
    /// transaction. Returns false (changing nothing) when `kid` is unknown.
    func activateCAKey(kid: String, at: Int64) async throws -> Bool
}

/// The whole storage port, as the composition root opens it. SQLite, PostgreSQL and the in-memory
/// store implement it; one conformance suite (`StoreConformance`) tests them all. Use cases name
/// only the ports they use.
public protocol RegistryStore: StoreTransaction, UnitOfWork, LedgerBatching, CAKeyElection, LogIntegrationLock {
    /// Cheap round trip proving the database answers.
    func ping() async throws
}
