import Logging
import PostgresNIO
import Registry
import ServiceLifecycle

/// An open database plus what keeps it running.
public struct OpenedDatabase: Sendable {
    public let database: any SQLDatabase
    /// The PostgreSQL pool, which must run as a service (nil for SQLite).
    public let postgresClient: PostgresClient?
    /// Most connections the database holds open: SQLite's writer and readers, or the PostgreSQL pool's maximum.
    public let poolSize: Int

    /// The one store over `database` (its group commit and read batching are shared by its copies).
    public let store: SQLStore

    /// `concurrentReads`: batched ledger lookups at once, one per SQLite read connection.
    init(database: any SQLDatabase, postgresClient: PostgresClient?, poolSize: Int, concurrentReads: Int) {
        self.database = database
        self.postgresClient = postgresClient
        self.poolSize = poolSize
        self.store = SQLStore(database: database, concurrentReads: concurrentReads)
    }

    /// Read-only connections beside SQLite's writer.
    public static let sqliteReaders = 2

    /// Opens the database at `location`, with at most `postgresPoolSize` connections to PostgreSQL
    /// (unless the URL's `pool_max` says otherwise). PostgreSQL needs `postgresClient` running before
    /// use: add it to the service group, or use `withRunning`.
    public static func open(
        _ location: DatabaseLocation, postgresPoolSize: Int = DatabaseLocation.defaultPostgresPoolSize, logger: Logger
    ) async throws -> OpenedDatabase {
        switch location {
        case .sqlite(let path):
            // An in-memory database has no readers: each in-memory connection is a database of its own.
            let readers = path == nil ? 0 : sqliteReaders
            let database = try await SQLiteSQLDatabase.open(path: path, readers: readers, logger: logger)
            return OpenedDatabase(database: database, postgresClient: nil, poolSize: 1 + readers, concurrentReads: max(readers, 1))
        case .postgres(let url):
            let configuration = try DatabaseLocation.postgresConfiguration(url, poolSize: postgresPoolSize)
            let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
            return OpenedDatabase(
                database: PostgresSQLDatabase(client: client, logger: logger), postgresClient: client,
                poolSize: configuration.options.maximumConnections, concurrentReads: 1
            )
        }
    }

    /// The same database, reporting every statement and transaction to `observer`.
    public func instrumented(by observer: any SQLDatabaseObserver) -> OpenedDatabase {
        OpenedDatabase(
            database: InstrumentedSQLDatabase(database, observer: observer), postgresClient: postgresClient, poolSize: poolSize,
            concurrentReads: store.accelerators.concurrentReads
        )
    }

    /// Opens the database, keeps it running for the duration of `body`, then closes it.
    public static func withRunning<T: Sendable>(
        _ location: DatabaseLocation, postgresPoolSize: Int = DatabaseLocation.defaultPostgresPoolSize, logger: Logger,
        _ body: @Sendable (OpenedDatabase) async throws -> T
    ) async throws -> T {
        let opened = try await open(location, postgresPoolSize: postgresPoolSize, logger: logger)
        guard let client = opened.postgresClient else {
            do {
                let value = try await body(opened)
                await opened.database.close()
                return value
            } catch {
                await opened.database.close()
                throw error
            }
        }
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            defer { group.cancelAll() }
            return try await body(opened)
        }
    }
}
