import Foundation
import Registry
@testable import Storage
import StoreConformance
import Testing

/// The hot statements whose text would otherwise change with their batch run prepared on
/// PostgreSQL (`FixedSQL`): the batched reads behind authentication and status, and event
/// ingestion. (The ledger's are in `LedgerStatementTests`.)
@Suite struct PreparedStatementTests {
    /// Each runs twice, with lists of one and of three, on one connection; PostgreSQL then holds
    /// one prepared statement per kind and length class (the event insert: one for both).
    @Test(arguments: TestBackend.available.filter { $0 == .postgres })
    func batchedReadsAndEventInsertsArePreparedOnce(backend: TestBackend) async throws {
        try await backend.withDatabase { opened, _ in
            let prepared = try await opened.database.transaction { tx in
                let statements = SQLStatements(executor: tx)
                for count in [1, 3] {
                    let names = (0..<count).map { _ in UUID().uuidString }
                    #expect(try await statements.badges(jtis: names).isEmpty)
                    #expect(try await statements.badgesWithSubjectAgents(jtis: names).isEmpty)
                    #expect(try await statements.apiKeys(hashes: names).isEmpty)
                    let events = names.map { id in
                        AgentEvent(id: id, orgID: "o", type: "t", agentID: nil, serverID: "s", severity: nil, actor: "a", body: "{}", createdAt: 1)
                    }
                    #expect(try await SQLStore.insertAgentEvents(events + [events[0]], tx).count == count, "a repeated id is written once")
                }
                return try await tx.query("SELECT name, generic_plans + custom_plans AS runs FROM pg_prepared_statements ORDER BY name")
            }
            #expect(try prepared.map { try $0.string("name") } == [
                "insignia.APIKeysByHash", "insignia.AgentEventInsert", "insignia.BadgesByJTI", "insignia.BadgesWithSubjectAgentsByJTI",
                "insignia.OneID<APIKeysByHash>", "insignia.OneID<BadgesByJTI>", "insignia.OneID<BadgesWithSubjectAgentsByJTI>",
            ])
            #expect(try prepared.map { try $0.int("runs") } == [1, 2, 1, 1, 1, 1, 1])
        }
    }

    /// A list of one runs as `= $1`, whose generic plan PostgreSQL adopts after its first custom
    /// plans: it is no longer planned on every run, as `= ANY($1)` with one element was.
    @Test(arguments: TestBackend.available.filter { $0 == .postgres })
    func aListOfOneStopsBeingPlanned(backend: TestBackend) async throws {
        try await backend.withDatabase { opened, _ in
            let plans = try await opened.database.transaction { tx in
                for _ in 0..<8 { _ = try await SQLStatements(executor: tx).apiKeys(hashes: [UUID().uuidString]) }
                return try await tx.query(
                    "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = 'insignia.OneID<APIKeysByHash>'"
                )
            }
            let row = try #require(plans.first)
            #expect(try row.int("custom_plans") == 5 && row.int("generic_plans") == 3)
        }
    }

    /// The batched reads find what they name, on both databases (SQLite names each value; the
    /// list is padded there, so three names run as four).
    @Test(arguments: TestBackend.available)
    func batchedReadsFindWhatTheyName(backend: TestBackend) async throws {
        try await backend.withDatabase { opened, _ in
            let entries = [LedgerStatementTests.entry(), LedgerStatementTests.entry(), LedgerStatementTests.entry()]
            _ = try await opened.store.insertBadges(entries.map { LedgerEntry(badge: $0.badge, event: $0.event) })
            let wanted = [entries[0].badge.jti, entries[2].badge.jti, UUID().uuidString]
            #expect(try await opened.store.badges(jtis: wanted).sorted { $0.jti < $1.jti } == [entries[0].badge, entries[2].badge].sorted { $0.jti < $1.jti })
            let withAgents = try await opened.store.badgesWithSubjectAgents(jtis: wanted)
            #expect(withAgents.mapValues(\.badge) == [entries[0].badge.jti: entries[0].badge, entries[2].badge.jti: entries[2].badge])
        }
    }
}
