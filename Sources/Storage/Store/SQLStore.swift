import Registry

/// The registry's storage port over any `SQLDatabase`: one set of queries for SQLite and PostgreSQL.
public struct SQLStore: RegistryStore {
    public let database: any SQLDatabase

    public init(database: any SQLDatabase) {
        self.database = database
    }

    public func ping() async throws {
        try await database.query("SELECT 1 AS one")
    }
}
