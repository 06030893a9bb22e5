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
    /// Runs `Statement.sql`, which PostgreSQL prepares once per connection: later runs skip parsing
    /// and planning. Executors without prepared statements run the text (SQLite caches every
    /// statement by its text anyway).
    @discardableResult
    func query<Statement: FixedSQL>(_ statement: Statement.Type, _ binds: [SQLValue]) async throws -> [SQLRow]
}

extension SQLExecutor {
    @discardableResult
    public func query(_ sql: String) async throws -> [SQLRow] { try await query(sql, []) }

    @discardableResult
    public func query<Statement: FixedSQL>(_: Statement.Type, _ binds: [SQLValue]) async throws -> [SQLRow] {
        try await query(Statement.sql, binds)
    }
}

/// A statement whose text never changes, named by its type: worth preparing once per connection
/// when it runs often and its planning is a real part of its cost. Its binds must keep their types
/// from one run to the next (PostgreSQL fixes them when it prepares the statement), and its result
/// columns must be named, never `*`: PostgreSQL refuses to run a prepared statement whose result
/// changed shape, as it would after another replica's migration added a column.
public protocol FixedSQL {
    static var sql: String { get }
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
