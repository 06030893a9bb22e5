import Foundation
import Logging
import Registry
import Storage

/// The databases every storage and API test runs against.
public enum TestBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, postgres

    public var description: String { rawValue }

    /// Environment variable holding the PostgreSQL server URL the tests use (set by `scripts/test`).
    public static let postgresURLVariable = "INSIGNIA_TEST_POSTGRES_URL"
    /// Set by `scripts/test`: the PostgreSQL cases must run, so a missing URL fails them instead
    /// of leaving them out.
    public static let requirePostgresVariable = "INSIGNIA_TEST_REQUIRE_POSTGRES"

    /// The backends this test process runs against, for `@Test(arguments:)` in place of
    /// `allCases`: SQLite always; PostgreSQL when `INSIGNIA_TEST_POSTGRES_URL` is set (or when
    /// `scripts/test` requires it, so its absence fails loudly). Leaving PostgreSQL out prints one
    /// line to stderr, once per process, naming the variable.
    public static let available: [TestBackend] = {
        let environment = ProcessInfo.processInfo.environment
        if environment[postgresURLVariable].map({ !$0.isEmpty }) == true || environment[requirePostgresVariable] == "1" {
            return allCases
        }
        FileHandle.standardError.write(Data(
            "PostgreSQL cases not run: set \(postgresURLVariable) (scripts/test starts a throwaway PostgreSQL)\n".utf8
        ))
        return allCases.filter { $0 != .postgres }
    }()

    struct MissingPostgres: Error, CustomStringConvertible {
        var description: String {
            "\(TestBackend.postgresURLVariable) is not set: run the suite with scripts/test, which starts a throwaway PostgreSQL"
        }
    }

    /// Runs `body` with a new, empty, migrated database of this kind, then throws it away.
    ///
    /// SQLite: a file in a fresh temporary directory. PostgreSQL: a fresh schema on the test server,
    /// reached through `search_path`, so parallel tests never see each other's rows.
    public func withDatabase<T: Sendable>(_ body: @Sendable (OpenedDatabase, DatabaseLocation) async throws -> T) async throws -> T {
        var logger = Logger(label: "insignia.test")
        logger.logLevel = .warning
        switch self {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("insignia-test-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let location = DatabaseLocation.sqlite(path: directory.appendingPathComponent("db.sqlite").path)
            return try await OpenedDatabase.withRunning(location, logger: logger) { opened in
                try await Migrator.migrate(opened.database, clock: { 0 })
                return try await body(opened, location)
            }
        case .postgres:
            guard let base = ProcessInfo.processInfo.environment[Self.postgresURLVariable], !base.isEmpty else {
                throw MissingPostgres()
            }
            let schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            let admin = DatabaseLocation.postgres(url: base)
            try await OpenedDatabase.withRunning(admin, logger: logger) { opened in
                // Migration 15 would create pg_trgm in the first schema of the search path: this
                // test's, whose DROP … CASCADE would take the extension, and every other test's index
                // on it, along. One copy in public, made under the migrations' lock, serves them all.
                _ = try await opened.database.transaction(lock: Migrator.advisoryLock) {
                    try await $0.query("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
                }
                try await opened.database.query("CREATE SCHEMA \(schema)")
            }
            let separator = base.contains("?") ? "&" : "?"
            let location = DatabaseLocation.postgres(url: base + separator + "search_path=\(schema)&pool_max=8")
            do {
                let value = try await OpenedDatabase.withRunning(location, logger: logger) { opened in
                    try await Migrator.migrate(opened.database, clock: { 0 })
                    return try await body(opened, location)
                }
                try await OpenedDatabase.withRunning(admin, logger: logger) { try await $0.database.query("DROP SCHEMA \(schema) CASCADE") }
                return value
            } catch {
                try? await OpenedDatabase.withRunning(admin, logger: logger) { try await $0.database.query("DROP SCHEMA \(schema) CASCADE") }
                throw error
            }
        }
    }
}
