import Foundation
import Registry
import Storage
import StoreConformance
import Testing

/// Migration 16: credential rows carry their transparency log index, and lookups by jti go through
/// them. A database logged before it must keep finding every entry.
@Suite struct LogIndexMigrationTests {
    @Test(arguments: TestBackend.available)
    func credentialsLoggedBeforeTheMigrationAreFoundByJTI(backend: TestBackend) async throws {
        try await backend.withDatabase { opened, _ in
            let store = opened.store
            let database = opened.database
            let badges = (0..<3).map { i in
                LogEntryRecord(jti: "badge-\(i)-\(UUID().uuidString)", subject: "did:web:x:agents:a", type: "badge", data: #"{"n":\#(i)}"#)
            }
            let first = try await store.inTransaction { tx in try await StoreConformance.recordLogged(badges, in: tx) }
            let grant = DVGrant(jti: "grant-\(UUID().uuidString)", domain: "g.example.com", thumbprint: "jkt", orgID: nil, orderID: "o",
                                token: "a.b.c", issuedAt: 10, expiresAt: 110)
            let grantEntry = LogEntryRecord(jti: grant.jti, subject: grant.domain, type: "dv_grant", data: #"{"g":1}"#)
            let grantIndex = try await store.insertDVGrant(grant, logEntry: grantEntry)
            #expect(grantIndex == first + 3, "the grant's entry follows the badges'")
            // An unlogged badge whose jti an entry of another type happens to carry is not given its index.
            try await store.insertBadge(BadgeRecord(jti: grant.jti, orgID: "o", agentID: nil, subject: "s", level: "1", ial: "0", kid: "k", issuedAt: 1, expiresAt: 2))
            // Back to the schema before migration 16, entries kept: the migration must fill the column in.
            for statement in [
                "ALTER TABLE badges DROP COLUMN log_index", "ALTER TABLE dv_grants DROP COLUMN log_index",
                "CREATE INDEX tlog_entries_jti ON tlog_entries (jti)", "DELETE FROM schema_migrations WHERE version = 16",
            ] {
                try await database.query(statement)
            }
            #expect(try await Migrator.migrate(database, clock: { 2 }) == [16])
            for (offset, entry) in badges.enumerated() {
                let found = try await store.logEntries(jti: entry.jti)
                #expect(found == [SequencedLogEntry(index: first + Int64(offset), record: entry)])
            }
            #expect(try await store.logEntries(jti: grant.jti) == [SequencedLogEntry(index: first + 3, record: grantEntry)])
            let unlogged = try await database.query("SELECT log_index FROM badges WHERE jti = $1", [.text(grant.jti)])
            #expect(try unlogged.first?.optionalInt("log_index") == nil)
        }
    }
}
