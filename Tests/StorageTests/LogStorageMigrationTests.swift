import Foundation
import Registry
import Storage
import StoreConformance
import Testing

/// Migrations 16 and 18: credential rows carry their transparency log index, lookups by jti and
/// by subject go through them, and the entries move from a row each into `tlog_batches`. A
/// database logged before both must keep every entry at its index and find each by jti and subject.
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
                "DROP TABLE tlog_batches", "DROP INDEX badges_log_subject",
                "ALTER TABLE badges DROP COLUMN log_index", "ALTER TABLE dv_grants DROP COLUMN log_index",
                "DELETE FROM schema_migrations WHERE version IN (16, 18)",
            ] {
                try await database.query(statement)
            }
            #expect(try await Migrator.migrate(database, clock: { 2 }) == [16, 18])
            let expected = logged.enumerated().map { SequencedLogEntry(index: first + Int64($0.offset), record: $0.element) }
            for entry in expected {
                #expect(try await store.logEntries(jti: entry.record.jti) == [entry], "found by jti")
            }
            #expect(try await store.logEntries(subject: subject, limit: 10) == Array(expected.prefix(3)), "the badges, by subject")
            #expect(try await store.logEntries(subject: grant.domain, limit: 10) == [expected[3]], "the grant, by its domain")
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
}
