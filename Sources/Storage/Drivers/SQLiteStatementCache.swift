import CSQLite

/// A connection's prepared statements, keyed by the SQL text the store wrote, so each statement is
/// parsed once and afterwards only reset and rebound.
///
/// Bounded, least recently used first out: statements whose text is built per call (multi-row
/// INSERTs sized by their row count, migrations) each take an entry and must not pile up.
/// Not thread-safe: it belongs to one `SQLiteConnectionHandle` and is used only where that is.
struct SQLiteStatementCache {
    /// Enough for every statement the store runs repeatedly, with room for one-offs: the ledger's
    /// three multi-row INSERTs take one entry per batch size seen, and under load batches of a few
    /// dozen sizes alternate (at 64 entries they evicted each other, and each batch was parsed anew).
    static let defaultCapacity = 256

    private struct Entry {
        let statement: OpaquePointer
        var lastUse: UInt64
    }

    let capacity: Int
    private var entries: [String: Entry] = [:]
    private var uses: UInt64 = 0
    /// Statements compiled; with `hits`, shows tests whether statements are reused.
    private(set) var prepares = 0
    /// Lookups answered by an already prepared statement.
    private(set) var hits = 0

    init(capacity: Int) {
        precondition(capacity > 0, "a statement cache needs room for the statement being run")
        self.capacity = capacity
    }

    /// Statements held now.
    var count: Int { entries.count }

    /// The prepared statement for `sql`, compiled by `prepare` when not cached. The caller must
    /// reset it after use: the next lookup may hand it out again.
    mutating func statement(for sql: String, prepare: (String) throws -> OpaquePointer) rethrows -> OpaquePointer {
        uses &+= 1
        if let index = entries.index(forKey: sql) {
            entries.values[index].lastUse = uses
            hits += 1
            return entries.values[index].statement
        }
        let statement = try prepare(sql)
        prepares += 1
        if entries.count >= capacity, let oldest = entries.min(by: { $0.value.lastUse < $1.value.lastUse }) {
            // A linear scan, only on a miss with a full cache: cheaper than keeping a list in order
            // on every hit, at this size.
            sqlite3_finalize(oldest.value.statement)
            entries.removeValue(forKey: oldest.key)
        }
        entries[sql] = Entry(statement: statement, lastUse: uses)
        return statement
    }

    /// Finalizes every statement: SQLite will not close a connection with statements left.
    mutating func removeAll() {
        for entry in entries.values { sqlite3_finalize(entry.statement) }
        entries.removeAll()
    }
}
