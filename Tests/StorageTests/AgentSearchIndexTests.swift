import Foundation
import Registry
import Storage
import StoreConformance
import Testing

/// Migration 15's substring index for the console's agent search: built for agents that existed
/// before it, and (SQLite, where triggers keep it) emptied as agents go.
@Suite struct AgentSearchIndexTests {
    @Test(arguments: TestBackend.available)
    func indexIsBuiltForAgentsThatExistedBeforeIt(backend: TestBackend) async throws {
        try await backend.withDatabase { opened, _ in
            let database = opened.database
            let org = Organization(id: UUID().uuidString, name: "search-\(UUID().uuidString)", createdAt: 1)
            try await opened.store.insertOrganization(org)
            try await opened.store.seedAgents((0..<30).map { Self.agent(org, $0) })
            // Back to the schema before migration 15, agents kept: the migration must index them.
            let undo = switch database.dialect {
            case .sqlite: ["DROP TRIGGER agent_names_insert", "DROP TRIGGER agent_names_update", "DROP TRIGGER agent_names_delete",
                           "DROP TABLE agent_names", "DROP TABLE agent_name_rows"]
            case .postgres: ["DROP INDEX agents_name_trgm"]
            }
            for statement in undo + ["DROP INDEX agents_domain", "DELETE FROM schema_migrations WHERE version = 15"] {
                try await database.query(statement)
            }
            #expect(try await Migrator.migrate(database, clock: { 2 }) == [15])
            let found = try await opened.store.agents(AgentQuery(orgID: org.id, search: "Agent-0017"))
            #expect(found.map(\.name) == ["bulk agent-0017"])
            switch database.dialect {
            case .sqlite:
                let indexed = try await database.query("SELECT COUNT(*) AS n FROM agent_names WHERE agent_names MATCH '\"agent-00\"'")
                #expect(try indexed.first?.int("n") == 30, "every existing name is in the trigram index")
                // Deleting an agent takes its name out of the index and its row out of the key table.
                #expect(try await opened.store.deleteAgent(id: found[0].id, orgID: org.id))
                let rows = try await database.query("SELECT COUNT(*) AS n FROM agent_name_rows")
                let names = try await database.query("SELECT COUNT(*) AS n FROM agent_names")
                #expect(try rows.first?.int("n") == 29 && names.first?.int("n") == 29)
            case .postgres:
                let index = try await database.query("SELECT indexdef FROM pg_indexes WHERE indexname = 'agents_name_trgm' AND schemaname = current_schema()")
                #expect(try index.first?.string("indexdef").contains("gin_trgm_ops") == true)
            }
        }
    }

    private static func agent(_ org: Organization, _ i: Int) -> Agent {
        Agent(
            id: UUID().uuidString, orgID: org.id, userID: nil, name: "bulk agent-" + String(format: "%04d", i), description: nil,
            domain: nil, did: nil, publicKeyJWK: nil, status: .active, protocol: nil, agentCard: nil,
            trustLevel: "1", createdAt: Int64(100 + i), updatedAt: Int64(100 + i)
        )
    }
}
