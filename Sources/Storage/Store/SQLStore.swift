import Foundation
import Registry

/// The statements behind every `StoreTransaction` operation, written once for SQLite and
/// PostgreSQL and run on `executor`: the database itself or an open transaction.
public protocol SQLQueries: StoreTransaction {
    /// Where statements go.
    var executor: any SQLExecutor { get }
}

/// The registry's storage port over any `SQLDatabase`.
///
/// Concurrency machinery lives here, behind the port: issued badges from concurrent requests share
/// one transaction (group commit), concurrent ledger lookups share one statement, and
/// `ReadFreshness.recent` reads of API keys and agents may be answered from a read made a moment
/// ago. Copies of one store share that machinery; open one store per database.
public struct SQLStore: RegistryStore, SQLQueries {
    /// The database, for transactions and its dialect.
    public let database: any SQLDatabase
    public var executor: any SQLExecutor { database }
    let accelerators: SQLStoreAccelerators

    /// `concurrentReads`: how many batched ledger lookups may run at once (SQLite: one per read
    /// connection; PostgreSQL: one, since bigger batches measured faster there).
    public init(database: any SQLDatabase, concurrentReads: Int = 1) {
        self.database = database
        self.accelerators = SQLStoreAccelerators(database: database, concurrentReads: concurrentReads)
    }

    public func ping() async throws {
        try await executor.query("SELECT 1 AS one")
    }

    /// Runs `body` against a handle whose every statement joins one transaction: committed when
    /// `body` returns, rolled back when it throws. Recent reads are forgotten after a commit, so a
    /// change made here shows at once in this process.
    public func inTransaction<T: Sendable>(_ body: @Sendable (any StoreTransaction) async throws -> T) async throws -> T {
        let value = try await database.transaction { tx in
            try await body(SQLStatements(executor: tx))
        }
        accelerators.forgetRecentReads()
        return value
    }
}

/// `SQLQueries` on one executor, with no machinery of its own: the handle `SQLStore.inTransaction`
/// gives its body, and the direct reads the store's batches run.
struct SQLStatements: SQLQueries {
    let executor: any SQLExecutor
}
