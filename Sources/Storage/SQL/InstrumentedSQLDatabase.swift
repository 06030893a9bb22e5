/// A database that reports each statement and transaction to an observer, then runs it on `base`.
///
/// Statements inside a transaction are reported too, so "statements in flight" counts every
/// statement waiting for or holding a connection, and "transactions in flight" every open transaction.
public struct InstrumentedSQLDatabase: SQLDatabase {
    public let base: any SQLDatabase
    let observer: any SQLDatabaseObserver

    public init(_ base: any SQLDatabase, observer: any SQLDatabaseObserver) {
        self.base = base
        self.observer = observer
    }

    public var dialect: SQLDialect { base.dialect }

    public func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        try await observer.observe(.query) { try await base.query(sql, binds) }
    }

    public func query<Statement: FixedSQL>(_ statement: Statement.Type, _ binds: [SQLValue]) async throws -> [SQLRow] {
        try await observer.observe(.query) { try await base.query(statement, binds) }
    }

    public func transaction<T: Sendable>(lock: Int64?, _ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        try await observer.observe(.transaction) {
            try await base.transaction(lock: lock) { executor in
                try await body(InstrumentedExecutor(base: executor, observer: observer))
            }
        }
    }

    public func close() async { await base.close() }
}

/// The executor a transaction body gets, reporting its statements.
private struct InstrumentedExecutor: SQLExecutor {
    let base: any SQLExecutor
    let observer: any SQLDatabaseObserver
    var dialect: SQLDialect { base.dialect }

    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        try await observer.observe(.query) { try await base.query(sql, binds) }
    }

    func query<Statement: FixedSQL>(_ statement: Statement.Type, _ binds: [SQLValue]) async throws -> [SQLRow] {
        try await observer.observe(.query) { try await base.query(statement, binds) }
    }
}
