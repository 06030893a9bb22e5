import Registry

/// The statements behind every `StoreTransaction` operation, written once for SQLite and
/// PostgreSQL and run on `executor`: the database itself (`SQLStore`) or an open transaction
/// (`SQLTransaction`).
public protocol SQLQueries: StoreTransaction {
    /// Where statements go.
    var executor: any SQLExecutor { get }
}

/// The registry's storage port over any `SQLDatabase`.
public struct SQLStore: RegistryStore, SQLQueries {
    /// The database, for transactions and its dialect.
    public let database: any SQLDatabase
    public var executor: any SQLExecutor { database }

    public init(database: any SQLDatabase) {
        self.database = database
    }

    public func ping() async throws {
        try await executor.query("SELECT 1 AS one")
    }

    /// Runs `body` against a handle whose every statement joins one transaction: committed when
    /// `body` returns, rolled back when it throws.
    public func inTransaction<T: Sendable>(_ body: @Sendable (any StoreTransaction) async throws -> T) async throws -> T {
        try await database.transaction { tx in
            try await body(SQLTransaction(executor: tx))
        }
    }
}

/// The handle `SQLStore.inTransaction` gives its body: the single-statement operations only.
struct SQLTransaction: SQLQueries {
    let executor: any SQLExecutor
}
