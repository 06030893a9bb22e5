/// A statement that names a list of values (`WHERE id \(ids)`), written once for both databases:
/// PostgreSQL binds the list as one array, so the text is fixed and prepared once per connection
/// (`FixedSQL`); SQLite, which has no arrays, names each value (`IN ($1, …)`).
protocol IDListSQL: FixedSQL {
    /// The statement with `ids` (`= ANY($1::text[])` or `IN ($1, …)`) where the list goes; the list
    /// is its only bind.
    static func sql(ids: String) -> String
}

extension IDListSQL {
    static var sql: String { sql(ids: "= ANY($1::text[])") }
}

extension SQLExecutor {
    /// Runs `statement` with `ids`, which must not be empty.
    ///
    /// PostgreSQL gets a list of one as `= $1` (`OneID`), the common case of a batch of one:
    /// with `= ANY($1)` its generic plan, costed for a longer list, never wins against a custom
    /// plan for one element, so the prepared statement was planned again on every run.
    ///
    /// SQLite's list is padded to a power of two by repeating the last value, so that batched
    /// lookups use a handful of statement texts (it keeps each prepared) instead of one per size.
    func query<Statement: IDListSQL>(_ statement: Statement.Type, ids: [String]) async throws -> [SQLRow] {
        guard dialect == .sqlite else {
            return ids.count == 1 ? try await query(OneID<Statement>.self, [.text(ids[0])]) : try await query(statement, [.texts(ids)])
        }
        var size = 1
        while size < ids.count { size *= 2 }
        let binds = ids.map(SQLValue.text) + Array(repeating: SQLValue.text(ids[ids.count - 1]), count: size - ids.count)
        return try await query(Statement.sql(ids: "IN (\((1...size).map { "$\($0)" }.joined(separator: ", ")))"), binds)
    }
}

/// `Statement` for a single value (`= $1`): its generic plan costs what a custom plan does, so
/// after its first runs PostgreSQL stops planning it.
enum OneID<Statement: IDListSQL>: FixedSQL {
    static var sql: String { Statement.sql(ids: "= $1") }
}
