/// A statement that names a list of values (`WHERE id \(ids)`), written once for both databases:
/// PostgreSQL binds the list as one array, so the text is fixed and prepared once per connection
/// (`FixedSQL`); SQLite, which has no arrays, names each value (`SQLInList`).
///
/// Only for statements whose result columns are named: PostgreSQL refuses to run a prepared
/// statement whose result would change shape (`SELECT *` after a migration adds a column, made by
/// another replica while this one runs).
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
    func query<Statement: IDListSQL>(_ statement: Statement.Type, ids: [String]) async throws -> [SQLRow] {
        guard dialect == .sqlite else { return try await query(statement, [.texts(ids)]) }
        let (list, binds) = SQLInList.of(ids)
        return try await query(Statement.sql(ids: "IN (\(list))"), binds)
    }
}

/// An `IN` list of placeholders.
enum SQLInList {
    /// `$1, …, $n` for `values` (not empty), padded to a power of two by repeating the last value,
    /// so batched lookups use a handful of statement texts (SQLite keeps each prepared) instead of
    /// one per size.
    static func of(_ values: [String]) -> (placeholders: String, binds: [SQLValue]) {
        var size = 1
        while size < values.count { size *= 2 }
        let binds = values.map(SQLValue.text) + Array(repeating: SQLValue.text(values[values.count - 1]), count: size - values.count)
        return ((1...size).map { "$\($0)" }.joined(separator: ", "), binds)
    }
}
