import ArgumentParser
import InsigniaApp
import Storage

/// `insignia serve`: runs the HTTP server until SIGTERM/SIGINT.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the registry and CA server.",
        discussion: """
            Listens on HOST:PORT (default 0.0.0.0:8080), and on HOST:METRICS_PORT for /metrics alone when set, \
            with the database in DATABASE_URL (default: SQLite at ./data/insignia.sqlite). Pending migrations are \
            applied first. SIGTERM or SIGINT stops accepting connections, lets in-flight requests finish, then \
            closes the database.
            """
    )

    func run() async throws {
        let config = Startup.load(logToStandardError: false)
        try await Startup.run { try await Server.run(config) }
    }
}

/// `insignia migrate`: applies pending migrations and exits.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations (DATABASE_URL) and exit.")

    func run() async throws {
        let config = Startup.load(logToStandardError: true)
        try await Startup.run {
            let applied = try await Server.migrate(config)
            print(applied.isEmpty
                ? "schema up to date (version \(Migrator.latestVersion))"
                : "applied migrations \(applied.map(String.init).joined(separator: ", ")); schema at version \(Migrator.latestVersion)")
        }
    }
}
