@testable import Storage
import StoreConformance
import Testing

/// A refused migration stops the server with one line naming it and the database's own reason,
/// not the driver's generic description.
@Suite struct MigrationErrorTests {
    @Test(arguments: TestBackend.available)
    func theDatabasesReasonIsNamed(backend: TestBackend) async throws {
        try await backend.withDatabase { opened, _ in
            let migration = try #require(Migration.all.first { $0.version == 15 })
            do {
                try await opened.database.transaction { tx in try await tx.query("CREATE INDEX x ON no_such_table (y)") }
                Issue.record("the statement should fail")
            } catch {
                let description = MigrationError(migration, underlying: error).description
                #expect(description.hasPrefix("migration 15 (agent name search index) failed: "))
                #expect(description.contains("no_such_table"), "the database's message: \(description)")
                #expect(!description.contains("Generic description"))
            }
        }
    }
}
