/// Applies pending migrations. Safe to run from several processes at once: on PostgreSQL the whole
/// run holds an advisory transaction lock; on SQLite `BEGIN IMMEDIATE` holds the write lock.
public enum Migrator {
    /// Arbitrary constant naming our advisory lock ("INSIGNIA" in ASCII, truncated). Database-wide:
    /// it also serialises migrations of different schemas in one database.
    public static let advisoryLock: Int64 = 0x494E_5349_474E

    /// Applies every migration not yet recorded; returns the versions it applied.
    @discardableResult
    public static func migrate(_ database: any SQLDatabase, clock: @Sendable () -> Int64) async throws -> [Int] {
        try await database.transaction(lock: advisoryLock) { tx in
            try await tx.query("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,
                    applied_at BIGINT NOT NULL
                )
                """)
            let applied = Set(try await tx.query("SELECT version FROM schema_migrations").map { try $0.int("version") })
            var done: [Int] = []
            for migration in Migration.all where !applied.contains(Int64(migration.version)) {
                do {
                    for statement in migration.statements(for: tx.dialect) {
                        try await tx.query(statement)
                    }
                } catch {
                    throw MigrationError(migration, underlying: error)
                }
                try await tx.query(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                    [.int(Int64(migration.version)), .text(migration.name), .int(clock())]
                )
                done.append(migration.version)
            }
            return done
        }
    }

    /// The highest version the code knows.
    public static var latestVersion: Int { Migration.all.last?.version ?? 0 }

    /// Every version the code knows, in order. Not necessarily contiguous: branches developed in
    /// parallel reserve their version numbers, and one may land before another.
    public static var knownVersions: [Int] { Migration.all.map(\.version) }

    /// Versions the code knows that the database has not applied (all of them for an empty
    /// database). Reads only: for commands that must not change the schema.
    public static func pendingVersions(_ database: any SQLDatabase) async throws -> [Int] {
        let exists = switch database.dialect {
        case .sqlite: try await database.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
        case .postgres: try await database.query("SELECT tablename FROM pg_tables WHERE tablename = 'schema_migrations' AND schemaname = ANY(current_schemas(false))")
        }
        let applied = exists.isEmpty ? [] : Set(try await appliedVersions(database))
        return knownVersions.filter { !applied.contains($0) }
    }

    /// Versions recorded as applied.
    public static func appliedVersions(_ database: any SQLDatabase) async throws -> [Int] {
        try await database.query("SELECT version FROM schema_migrations ORDER BY version").map { Int(try $0.int("version")) }
    }
}
