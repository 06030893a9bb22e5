import Registry

/// The registry's storage port over any `SQLDatabase`: one set of queries for SQLite and PostgreSQL.
public struct SQLStore: RegistryStore {
    /// The database, for transactions and its dialect.
    public let database: any SQLDatabase
    /// Where statements go: the database itself, or the transaction of `inTransaction`.
    let executor: any SQLExecutor

    public init(database: any SQLDatabase) {
        self.database = database
        self.executor = database
    }

    public func ping() async throws {
        try await executor.query("SELECT 1 AS one")
    }

    /// Runs `body` against a store whose every statement joins one transaction: committed when
    /// `body` returns, rolled back when it throws. Used to write a change and its audit event
    /// together. `body` must not call methods that open their own transaction (CA key election).
    public func inTransaction<T: Sendable>(_ body: @Sendable (any RegistryStore) async throws -> T) async throws -> T {
        try await database.transaction { tx in
            try await body(SQLStore(database: database, executor: tx))
        }
    }

    private init(database: any SQLDatabase, executor: any SQLExecutor) {
        self.database = database
        self.executor = executor
    }
}
