import BadgeCore
import CAKeys
import InsigniaApp
import Registry
import StoreConformance
import Testing

@Suite struct EventsAPITests {
    @Test(arguments: TestBackend.available)
    func securityRelevantActionsAreAudited(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let other = try await app.tenant()
            let agentID = try await app.keyedAgent(tenant)
            _ = try await app.request(.post, "/v1/agents/\(agentID)/disable", key: tenant.key, json: ["reason": "test"])
            _ = try await app.request(.post, "/v1/agents/\(agentID)/enable", key: tenant.key)
            let jti = try #require(try await app.issue(tenant, agentID).data["jti"]?.stringValue)
            _ = try await app.request(.post, "/v1/badges/\(jti)/revoke", key: tenant.key, json: ["reason": "gone"])
            let created = try await app.request(.post, "/v1/api-keys", key: tenant.key, json: ["name": "extra"])
            let secret = try #require(created.data["key"]?.stringValue)
            _ = try await app.request(.delete, "/v1/api-keys/\(created.data["id"]!.stringValue!)", key: tenant.key)
            _ = try await app.request(.delete, "/v1/agents/\(agentID)", key: tenant.key)
            _ = try await app.request(.get, "/v1/agents", key: "cpsc_live_wrong")
            _ = try await CABootstrap.rotate(service: app.ca, keyPath: app.config.caKeyPath)

            let response = try await app.request(.get, "/v1/events", key: tenant.key)
            #expect(response.status == .ok)
            let types = response.data.arrayValue?.compactMap { $0["type"]?.stringValue } ?? []
            for expected in ["api_key.created", "agent.created", "agent.disabled", "agent.enabled", "badge.issued", "badge.revoked", "api_key.revoked", "agent.deleted"] {
                #expect(types.contains(expected), "missing \(expected) in \(types)")
            }
            #expect(!response.text.contains(secret) && !response.text.contains(tenant.key))
            let disabled = try #require(response.data.arrayValue?.first { $0["type"] == "agent.disabled" })
            #expect(disabled["agent_id"] == .string(agentID) && disabled["details"]?["reason"] == "test")
            #expect(disabled["actor"]?.stringValue?.hasPrefix("apikey:") == true)

            // Operator-level events are recorded without an organisation.
            let global = try await app.store.events(orgID: nil).map(\.type)
            #expect(global.contains("auth.failed") && global.contains("ca.key.rotated"))
            // Tenants see only their own log.
            let foreign = try await app.request(.get, "/v1/events", key: other.key)
            #expect(foreign.data.arrayValue?.allSatisfy { $0["type"] == "api_key.created" } == true)
        }
    }

    @Test(arguments: TestBackend.available)
    func filtersAndPaging(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let first = try await app.keyedAgent(tenant)
            app.clock.advance(10)
            let second = try await app.keyedAgent(tenant)
            _ = try await app.request(.post, "/v1/agents/\(second)/disable", key: tenant.key)
            let byType = try await app.request(.get, "/v1/events?type=agent.created", key: tenant.key).data.arrayValue ?? []
            #expect(byType.count == 2)
            let byAgent = try await app.request(.get, "/v1/events?agent=\(second)", key: tenant.key).data.arrayValue ?? []
            #expect(byAgent.compactMap { $0["type"]?.stringValue } == ["agent.created", "agent.disabled"])
            #expect(try await app.request(.get, "/v1/events?agent=\(first)&type=agent.disabled", key: tenant.key).data == [])
            let page = try await app.request(.get, "/v1/events?limit=2", key: tenant.key)
            #expect(page.data.arrayValue?.count == 2)
            let cursor = try #require(page.json["next_cursor"]?.stringValue)
            let rest = try await app.request(.get, "/v1/events?limit=10&cursor=\(cursor)", key: tenant.key)
            #expect((rest.data.arrayValue?.count ?? 0) >= 1 && rest.json["next_cursor"] == nil)
            #expect(try await app.request(.get, "/v1/events?since=nope", key: tenant.key).status == .badRequest)
            #expect(try await app.request(.get, "/v1/events?limit=0", key: tenant.key).status == .badRequest)
            let source = try await app.request(.get, "/v1/events?source=sdk", key: tenant.key)
            #expect(source.status == .badRequest && source.json["message"] == "source must be 'registry' or 'agent'")
            #expect(try await app.request(.get, "/v1/events").status == .unauthorized)
            let reader = try await app.tenant(scopes: [Scope.agentsRead])
            #expect(try await app.request(.get, "/v1/events", key: reader.key).errorCode == "insufficient_scope")
        }
    }
}
