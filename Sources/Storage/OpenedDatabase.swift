import Logging
import PostgresNIO
import Registry
import ServiceLifecycle

/// An open database plus what keeps it running.
public struct OpenedDatabase: Sendable {
    public let database: any SQLDatabase
    /// The PostgreSQL pool, which must run as a service (nil for SQLite).
    public let postgresClient: PostgresClient?

    public var store: SQLStore { SQLStore(database: database) }

    /// Opens the database at `location`. PostgreSQL needs `postgresClient` running before use:
    /// add it to the service group, or use `withRunningDatabase`.
    public static func open(_ location: DatabaseLocation, logger: Logger) async throws -> OpenedDatabase {
        switch location {
        case .sqlite(let path):
            return OpenedDatabase(database: try await SQLiteSQLDatabase.open(path: path, logger: logger), postgresClient: nil)
        case .postgres(let url):
            let client = PostgresClient(configuration: try DatabaseLocation.postgresConfiguration(url), backgroundLogger: logger)
            return OpenedDatabase(database: PostgresSQLDatabase(client: client, logger: logger), postgresClient: client)
        }
    }

    /// Opens the database, keeps it running for the duration of `body`, then closes it.
    public static func withRunning<T: Sendable>(
        _ location: DatabaseLocation, logger: Logger, _ body: @Sendable (OpenedDatabase) async throws -> T
    ) async throws -> T {
        let opened = try await open(location, logger: logger)
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
