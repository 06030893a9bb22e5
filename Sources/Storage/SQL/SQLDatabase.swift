/// Which SQL dialect a database speaks, for the few statements that differ (raw value: the backend's name).
public enum SQLDialect: String, Sendable {
    case sqlite, postgres
}

/// Runs statements. Placeholders are written `$1`, `$2`, … for both databases.
public protocol SQLExecutor: Sendable {
    /// The dialect its statements must be written in: a transaction's executor speaks its database's.
    var dialect: SQLDialect { get }
    /// Discardable: writes without `RETURNING` have no rows worth reading.
    @discardableResult
    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow]
}

extension SQLExecutor {
    @discardableResult
    public func query(_ sql: String) async throws -> [SQLRow] { try await query(sql, []) }
}

/// A database: runs statements and transactions.
public protocol SQLDatabase: SQLExecutor {
    /// Runs `body` in one transaction; commits when it returns, rolls back when it throws.
    /// On PostgreSQL the transaction first takes advisory lock `lock` when given, which serialises
    /// it with the same section in every other process.
    func transaction<T: Sendable>(lock: Int64?, _ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T
    /// Releases connections.
    func close() async
}

extension SQLDatabase {
    public func transaction<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        try await transaction(lock: nil, body)
    }
}
