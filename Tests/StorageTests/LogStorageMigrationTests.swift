import Foundation
import Registry
import Storage
import StoreConformance
import Testing

/// Migrations 16, 18, 19, 20 and 21: credential rows carry their transparency log index, lookups by
/// jti go through them, the entries move from a row each into `tlog_batches`, and lookups by subject
/// go through an index on badges by the subject's hash (PostgreSQL) or `tlog_subjects` (SQLite,
/// which integration fills; migration 21 from the credential rows). A database logged before them
/// must keep every entry at its index and find each by jti and subject.
@Suite struct LogStorageMigrationTests {
    @Test(arguments: TestBackend.available)
    func entriesLoggedBeforeTheMigrationsAreKeptAndFound(backend: TestBackend) async throws {
        try await backend.withDatabase { opened, _ in
            let store = opened.store
            let database = opened.database
            let subject = "did:web:x:agents:\(UUID().uuidString)"
            let badges = (0..<3).map { i in
                LogEntryRecord(jti: "badge-\(i)-\(UUID().uuidString)", subject: subject, type: "badge", data: #"{"n":\#(i)}"#)
            }
            let first = try await store.inTransaction { tx in try await StoreConformance.recordLogged(badges, in: tx) }
            let grant = DVGrant(jti: "grant-\(UUID().uuidString)", domain: "g\(UUID().uuidString.prefix(8)).example.com", thumbprint: "jkt",
                                orgID: nil, orderID: "o", token: "a.b.c", issuedAt: 10, expiresAt: 110)
            let grantEntry = LogEntryRecord(jti: grant.jti, subject: grant.domain, type: "dv_grant", data: #"{"g":1}"#)
            let grantIndex = try await store.insertDVGrant(grant, logEntry: grantEntry)
            #expect(grantIndex == first + 3, "the grant's entry follows the badges'")
            // An unlogged badge whose jti an entry of another type happens to carry is not given its index.
            try await store.insertBadge(BadgeRecord(jti: grant.jti, orgID: "o", agentID: nil, subject: "s", level: "1", ial: "0", kid: "k", issuedAt: 1, expiresAt: 2))
            // Back to the schema before migration 16: a row per entry, no index on the credential rows.
            let logged = badges + [grantEntry]
            try await database.query(
                "CREATE TABLE tlog_entries (idx BIGINT PRIMARY KEY, jti TEXT NOT NULL, subject TEXT NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL)"
            )
            for (offset, entry) in logged.enumerated() {
                try await database.query(
                    "INSERT INTO tlog_entries (idx, jti, subject, type, data) VALUES ($1, $2, $3, $4, $5)",
                    [.int(first + Int64(offset)), .text(entry.jti), .text(entry.subject), .text(entry.type), .text(entry.data)]
                )
            }
            for statement in [
                "CREATE INDEX tlog_entries_jti ON tlog_entries (jti)", "CREATE INDEX tlog_entries_subject ON tlog_entries (subject, idx)",
                "DROP TABLE tlog_batches", "DROP TABLE IF EXISTS tlog_subjects",
                "DROP INDEX IF EXISTS badges_log_subject", "DROP INDEX IF EXISTS badges_log_subject_hash",
                "ALTER TABLE badges DROP COLUMN log_index", "ALTER TABLE dv_grants DROP COLUMN log_index",
                "DELETE FROM schema_migrations WHERE version IN (16, 18, 19, 20, 21)",
            ] {
                try await database.query(statement)
            }
            // SQLite had the counter row until migration 19 (PostgreSQL still has it).
            if database.dialect == .sqlite { try await Self.restoreCounter(at: first + 4, in: database) }
            #expect(try await Migrator.migrate(database, clock: { 2 }) == [16, 18, 19, 20, 21])
            let expected = logged.enumerated().map { SequencedLogEntry(index: first + Int64($0.offset), record: $0.element) }
            for entry in expected {
                #expect(try await store.logEntries(jti: entry.record.jti) == [entry], "found by jti")
            }
            #expect(try await store.logEntries(subject: subject, limit: 10) == Array(expected.prefix(3)), "the badges, by subject")
            #expect(try await store.logEntries(subject: grant.domain, limit: 10) == [expected[3]], "the grant, by its domain")
            // Integration then records what the migration did: nothing changes.
            try await store.indexLogSubjects(expected)
            #expect(try await store.logEntries(subject: subject, limit: 10) == Array(expected.prefix(3)), "each badge once")
            if database.dialect == .sqlite {
                // No index on badges by subject is left for SQLite's ledger transactions to maintain.
                let leftIndexes = try await database.query("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'badges_log_subject%'")
                #expect(leftIndexes.isEmpty)
            }
            #expect(
                try await store.logEntries(from: first, limit: 10) == expected.map { SequencedLogData(index: $0.index, data: $0.record.data) },
                "every entry at its index"
            )
            let unlogged = try await database.query("SELECT log_index FROM badges WHERE jti = $1", [.text(grant.jti)])
            #expect(try unlogged.first?.optionalInt("log_index") == nil)
            // Entries logged after the migration follow on.
            let next = try await store.inTransaction { tx in try await StoreConformance.recordLogged([LogEntryRecord(jti: UUID().uuidString, subject: subject, type: "badge", data: "{}")], in: tx) }
            #expect(next == first + 4)
        }
    }

    /// Migration 20 (PostgreSQL): badges are found by subject through the subject's hash
    /// (`hashtext`, 32 bits), and two subjects that share a hash are kept apart. The pair is found
    /// among generated subjects (about ten collisions are expected in 300 000).
    @Test(arguments: TestBackend.available.filter { $0 == .postgres })
    func subjectsThatShareAHashAreKeptApart(backend: TestBackend) async throws {
        try await backend.withDatabase { opened, _ in
            let (store, database) = (opened.store, opened.database)
            let index = try await database.query(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'badges_log_subject_hash' AND schemaname = current_schema()"
            )
            #expect(try index.first?.string("indexdef").contains("hashtext(subject), log_index") == true)
            let pair = try await database.query(
                """
                SELECT min(s) AS a, max(s) AS b FROM (SELECT $1::text || i AS s FROM generate_series(1, 300000) AS i) AS t
                GROUP BY hashtext(s) HAVING count(*) > 1 LIMIT 1
                """,
                [.text("did:web:collide-\(UUID().uuidString.prefix(8)).example:agents:")]
            )
            let row = try #require(pair.first)
            let (a, b) = (try row.string("a"), try row.string("b"))
            let first = try await store.inTransaction { tx in
                try await StoreConformance.recordLogged([a, b].map { LogEntryRecord(jti: UUID().uuidString, subject: $0, type: "badge", data: "{}") }, in: tx)
            }
            #expect(try await store.logEntries(subject: a, limit: 10).map(\.index) == [first])
            #expect(try await store.logEntries(subject: b, limit: 10).map(\.index) == [first + 1])
        }
    }

    /// Migration 21 (SQLite): the ledger keeps no index by subject; an entry is found by subject
    /// once integration records it.
    @Test func sqliteFindsASubjectOnceIntegrationRecordsIt() async throws {
        try await TestBackend.sqlite.withDatabase { opened, _ in
            let store = opened.store
            #expect(store.recordsLogSubjects)
            let entry = LogEntryRecord(jti: UUID().uuidString, subject: "did:web:x:agents:\(UUID().uuidString)", type: "badge", data: "{}")
            let index = try await store.inTransaction { tx in try await StoreConformance.recordLogged([entry], in: tx) }
            #expect(try await store.logEntries(subject: entry.subject, limit: 10).isEmpty, "not found by subject when sequenced")
            #expect(try await store.logEntries(jti: entry.jti).map(\.index) == [index], "though found by jti")
            try await store.indexLogSubjects([SequencedLogEntry(index: index, record: entry)])
            #expect(try await store.logEntries(subject: entry.subject, limit: 10) == [SequencedLogEntry(index: index, record: entry)])
        }
    }

    /// Migration 19 (SQLite): rows of entries count them and the counter row goes. A database
    /// logged before it continues where its counter stood, after a row of several entries.
    @Test func sqliteContinuesWhereItsCounterStoodAfterMigration19() async throws {
        try await TestBackend.sqlite.withDatabase { opened, _ in
            let (store, database) = (opened.store, opened.database)
            let first = try await store.inTransaction { tx in
                try await StoreConformance.recordLogged([LogEntryRecord(jti: UUID().uuidString, subject: "s", type: "badge", data: "{}")], in: tx)
            }
            // Back to the schema before migration 19, then a row of three entries and the counter after it.
            for statement in ["ALTER TABLE tlog_batches DROP COLUMN entry_count", "DELETE FROM schema_migrations WHERE version = 19"] {
                try await database.query(statement)
            }
            try await database.query(
                "INSERT INTO tlog_batches (first_idx, entries) VALUES ($1, $2)", [.int(first + 1), .text(#"{"a":1}"# + "\n" + #"{"b":2}"# + "\n" + #"{"c":3}"#)]
            )
            try await Self.restoreCounter(at: first + 4, in: database)
            #expect(try await Migrator.migrate(database, clock: { 2 }) == [19])
            #expect(try await store.sequencedLogSize() == first + 4, "where the counter stood")
            let next = try await store.inTransaction { tx in
                try await StoreConformance.recordLogged([LogEntryRecord(jti: UUID().uuidString, subject: "s", type: "badge", data: "{}")], in: tx)
            }
            #expect(next == first + 4, "the next entry follows the row of three")
            #expect(try await store.logEntries(from: first, limit: 10).map(\.index) == Array(first...first + 4))
            let counter = try await database.query("SELECT name FROM sqlite_master WHERE name = 'tlog_sequence'")
            #expect(counter.isEmpty, "no counter row is left for anything to read stale")
        }
    }

    /// SQLite's counter row as it was before migration 19.
    private static func restoreCounter(at next: Int64, in database: any SQLDatabase) async throws {
        try await database.query("CREATE TABLE tlog_sequence (id INTEGER PRIMARY KEY, next_index BIGINT NOT NULL)")
        try await database.query("INSERT INTO tlog_sequence (id, next_index) VALUES (1, $1)", [.int(next)])
    }
}
