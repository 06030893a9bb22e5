import Registry
import Storage
import StoreConformance
import Testing

@Suite struct MigratorTests {
    @Test(arguments: TestBackend.available)
    func migrationsAreIdempotent(backend: TestBackend) async throws {
        try await backend.withDatabase { opened, _ in
            // withDatabase already migrated once.
            let again = try await Migrator.migrate(opened.database, clock: { 1 })
            #expect(again.isEmpty)
            #expect(try await Migrator.appliedVersions(opened.database) == Migrator.knownVersions)
            // Versions only grow: the array stays sorted, without repeats.
            #expect(Migrator.knownVersions == Array(Set(Migrator.knownVersions)).sorted())
        }
    }

    @Test(arguments: TestBackend.available)
    func concurrentMigrationsFromSeparateConnectionsApplyOnce(backend: TestBackend) async throws {
        try await backend.withDatabase { _, location in
            // Drop and re-run from several independent pools at once, as two processes starting together would.
            try await OpenedDatabase.withRunning(location, logger: .init(label: "t")) { opened in
                let listing = opened.database.dialect == .sqlite
                    ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                    : "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()"
                let tables = try await opened.database.query(listing).map { try $0.string("name") }
                #expect(tables.contains("schema_migrations") && tables.count > 5)
                // Foreign keys point at organizations: drop it last. IF EXISTS: dropping an FTS5 table
                // drops the shadow tables listed beside it.
                for table in tables.filter({ $0 != "organizations" }) + ["organizations"] {
                    try await opened.database.query("DROP TABLE IF EXISTS \(table)")
                }
            }
            let results = try await withThrowingTaskGroup(of: [Int].self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        try await OpenedDatabase.withRunning(location, logger: .init(label: "t")) { opened in
                            try await Migrator.migrate(opened.database, clock: { 1 })
                        }
                    }
                }
                return try await group.reduce(into: [[Int]]()) { $0.append($1) }
            }
            #expect(results.filter { !$0.isEmpty }.count == 1)
            #expect(results.flatMap { $0 } == Migrator.knownVersions)
        }
    }

    @Test func sqlitePlaceholdersAreRenumbered() {
        #expect(SQLiteSQLDatabase.rewritePlaceholders("a = $1 AND b = $12 OR c = $1") == "a = ?1 AND b = ?12 OR c = ?1")
        #expect(SQLiteSQLDatabase.rewritePlaceholders("a = $2 AND b = $1") == "a = ?2 AND b = ?1")
        #expect(SQLiteSQLDatabase.rewritePlaceholders("a = $1 AND b = $1") == "a = ?1 AND b = ?1")
        // In order, each once: bare `?`, numbered by SQLite in the same way.
        #expect(SQLiteSQLDatabase.rewritePlaceholders("VALUES ($1, $2), ($3, $4) -- $") == "VALUES (?, ?), (?, ?) -- $")
        #expect(SQLiteSQLDatabase.rewritePlaceholders("SELECT 1") == "SELECT 1")
    }

    @Test func databaseURLParsing() throws {
        #expect(try DatabaseLocation.parse(nil) == .sqlite(path: "./data/insignia.sqlite"))
        #expect(try DatabaseLocation.parse("") == .sqlite(path: "./data/insignia.sqlite"))
        #expect(try DatabaseLocation.parse("sqlite:///var/lib/x.db") == .sqlite(path: "/var/lib/x.db"))
        #expect(try DatabaseLocation.parse("sqlite://rel/x.db") == .sqlite(path: "rel/x.db"))
        #expect(try DatabaseLocation.parse("postgres://u:p@localhost:5433/db?sslmode=disable") == .postgres(url: "postgres://u:p@localhost:5433/db?sslmode=disable"))
        #expect(try DatabaseLocation.parse("postgresql://u@h/db") == .postgres(url: "postgresql://u@h/db"))
        #expect(throws: DatabaseLocation.ParseError.self) { try DatabaseLocation.parse("mysql://x") }
        #expect(throws: DatabaseLocation.ParseError.self) { try DatabaseLocation.parse("sqlite://") }
        #expect(throws: DatabaseLocation.ParseError.self) { try DatabaseLocation.parse("postgres://u@h/db?sslmode=bogus") }
    }
}
