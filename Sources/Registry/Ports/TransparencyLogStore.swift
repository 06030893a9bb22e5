/// Storage for the badge transparency log: sequenced entries, the tiles of the integrated tree
/// and signed checkpoints. One of the ports `StoreTransaction` unites.
///
/// Entries are sequenced as their credentials are recorded (`insertBadge`, `insertDVGrant`,
/// `insertBadges`): each gets the next log index in the recording transaction, with no gaps and
/// no duplicates, also across processes on one database.
public protocol TransparencyLogStore: Sendable {
    /// How many entries have been sequenced (the next index).
    func sequencedLogSize() async throws -> Int64
    /// The bytes of sequenced entries with `index >= start`, by index, at most `limit`: what
    /// integration and entry bundles read. Each carries its stored index, so a reader sees a gap.
    func logEntries(from start: Int64, limit: Int) async throws -> [SequencedLogData]
    /// Sequenced entries for the badge or grant `jti`, by index.
    func logEntries(jti: String) async throws -> [SequencedLogEntry]
    /// Sequenced entries whose subject is `subject`, by index, at most `limit`: each found once
    /// `indexLogSubjects` recorded it at the latest (a store whose ledger indexes subjects itself
    /// finds it as soon as it is sequenced).
    func logEntries(subject: String, limit: Int) async throws -> [SequencedLogEntry]
    /// Whether lookups by subject need integration to record the entries (`indexLogSubjects`):
    /// a store may keep its ledger transactions, which every badge waits for, free of an index by
    /// subject (SQLite). False for one whose ledger indexes subjects at no extra row (PostgreSQL),
    /// which finds an entry by subject once it is sequenced.
    var recordsLogSubjects: Bool { get }
    /// Records integrated `entries` (their index, jti, subject and type; not their bytes) for
    /// lookups by subject, an entry recorded before left as it is. Integration calls it, when
    /// `recordsLogSubjects`, in the transaction that stores the checkpoint covering them.
    func indexLogSubjects(_ entries: [SequencedLogEntry]) async throws
    /// The stored hashes of tile `(level, index)` (concatenated, 32 bytes each); nil when none.
    func logTile(level: Int, index: Int64) async throws -> [UInt8]?
    /// Stores tiles, replacing the stored content of each.
    func putLogTiles(_ tiles: [StoredLogTile]) async throws
    /// The checkpoint of the largest tree, if any was signed.
    func latestLogCheckpoint() async throws -> StoredCheckpoint?
    /// Records a signed checkpoint; throws `StoreError.uniqueViolation` for a size already signed.
    func insertLogCheckpoint(_ checkpoint: StoredCheckpoint) async throws
}

/// Extending the log's tree, one process at a time.
public protocol LogIntegrationLock: Sendable {
    /// Runs `body` in one transaction that no other process's `withLogIntegrationLock` overlaps
    /// (PostgreSQL: an advisory transaction lock; SQLite: the single writer).
    func withLogIntegrationLock<T: Sendable>(_ body: @Sendable (any StoreTransaction) async throws -> T) async throws -> T
}

/// An entry to be sequenced: its bytes (canonical JSON text) and what lookups find it by.
///
/// `data` is one line: the SQL stores keep a transaction's entries together, one per line (the
/// canonical JSON of `LogEntry` escapes every control character, so it never holds a newline).
public struct LogEntryRecord: Sendable, Equatable {
    public var jti: String
    public var subject: String
    /// `badge` or `dv_grant`.
    public var type: String
    /// The entry's bytes as UTF-8 JSON text.
    public var data: String

    public init(jti: String, subject: String, type: String, data: String) {
        self.jti = jti
        self.subject = subject
        self.type = type
        self.data = data
    }

    /// Throws `NotOneLine` when `data` holds a newline: every store refuses such an entry. Read as
    /// contiguous UTF-8 (iterating the `String`'s UTF-8 view byte by byte showed in SQLite's writer
    /// thread's profile).
    public func requireOneLine() throws {
        var text = data
        guard text.withUTF8({ !$0.contains(UInt8(ascii: "\n")) }) else { throw NotOneLine(jti: jti) }
    }

    /// The error of every store asked to log an entry that is not one line.
    public struct NotOneLine: Error, Equatable, CustomStringConvertible {
        public let jti: String
        public init(jti: String) { self.jti = jti }
        public var description: String { "the log entry of \(jti) holds a newline" }
    }
}

/// An entry's bytes with its log index.
public struct SequencedLogData: Sendable, Equatable {
    public var index: Int64
    /// The entry's bytes as UTF-8 JSON text.
    public var data: String

    public init(index: Int64, data: String) {
        self.index = index
        self.data = data
    }
}

/// An entry with its log index and what it was found by.
public struct SequencedLogEntry: Sendable, Equatable {
    public var index: Int64
    public var record: LogEntryRecord

    public init(index: Int64, record: LogEntryRecord) {
        self.index = index
        self.record = record
    }
}

/// One tile's stored hashes.
public struct StoredLogTile: Sendable, Equatable {
    public var level: Int
    public var index: Int64
    public var hashes: [UInt8]

    public init(level: Int, index: Int64, hashes: [UInt8]) {
        self.level = level
        self.index = index
        self.hashes = hashes
    }
}

/// A signed checkpoint as served (the whole signed note).
public struct StoredCheckpoint: Sendable, Equatable {
    public var size: Int64
    public var note: String
    public var createdAt: Int64

    public init(size: Int64, note: String, createdAt: Int64) {
        self.size = size
        self.note = note
        self.createdAt = createdAt
    }
}
