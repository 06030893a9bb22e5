import BadgeCore
import Foundation
import HTTPTypes
import Registry
import StoreConformance
import Testing

/// `POST /v1/events` (alias `POST /events`) and the merged `GET /v1/events` (issue #12 B).
@Suite struct EventIngestionAPITests {
    @Test(arguments: TestBackend.available)
    func clientShapesAreAcceptedWithEitherHeader(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let agentID = try await app.keyedAgent(tenant)
            let sdk = try await app.request(.post, "/v1/events", key: tenant.key, rawBody: """
                {"events": [{"id": "sdk-1", "type": "task_started", "agentId": "\(agentID)", "timestamp": "2026-01-01T00:00:00Z",
                             "data": {"task": "x"}, "taskId": "t1"}]}
                """)
            #expect(sdk.status == .accepted)
            #expect(sdk.json == ["accepted": 1, "rejected": []])
            app.clock.advance(1)  // the timeline is ordered by time received, then id
            let mcp = try await app.request(.post, "/v1/events", bearer: tenant.key, rawBody: """
                {"id": "mcp-1", "agentId": "\(agentID)", "traceId": "tr", "eventType": "tool_call", "severity": "HIGH",
                 "decision": "allow", "timestamp": "2026-01-01T00:00:01Z", "payload": {"tool": "ls"}, "mcpServerId": "srv-1"}
                """)
            #expect(mcp.status == .accepted && mcp.json["accepted"] == 1)
            app.clock.advance(1)  // the timeline is ordered by time received, then id
            let demo = try await app.request(.post, "/events", key: tenant.key, rawBody: """
                {"id": "demo-1", "agentId": "00000000-0000-0000-0000-000000000000", "eventType": "demo", "severity": "info", "payload": {}}
                """)
            #expect(demo.status == .accepted && demo.json["accepted"] == 1, "the alias; a2a-demos count only 202")
            app.clock.advance(1)  // the timeline is ordered by time received, then id
            let core = try await app.request(.post, "/v1/events", key: tenant.key, rawBody: """
                {"events": [{"event.name": "capiscio.tool_invocation", "capiscio.agent.did": "did:key:z6Mkx", "id": "core-1", "timestamp": "2026-01-01T00:00:02Z"}]}
                """)
            #expect(core.status == .accepted && core.json["accepted"] == 1)

            let listed = try await app.request(.get, "/v1/events?source=agent", key: tenant.key)
            #expect(listed.status == .ok)
            let items = listed.data.arrayValue ?? []
            #expect(items.compactMap { $0["id"]?.stringValue } == ["sdk-1", "mcp-1", "demo-1", "core-1"])
            #expect(items.allSatisfy { $0["source"] == "agent" })
            let mcpItem = try #require(items.first { $0["id"] == "mcp-1" })
            #expect(mcpItem["type"] == "tool_call" && mcpItem["severity"] == "high" && mcpItem["server_id"] == "srv-1")
            #expect(mcpItem["agent_id"] == .string(agentID) && mcpItem["payload"]?["tool"] == "ls" && mcpItem["details"]?["decision"] == "allow")
            #expect(items.first { $0["id"] == "sdk-1" }?["payload"]?["task"] == "x")

            let merged = try await app.request(.get, "/v1/events", key: tenant.key).data.arrayValue ?? []
            #expect(merged.contains { $0["source"] == "registry" && $0["type"] == "agent.created" })
            #expect(merged.filter { $0["source"] == "agent" }.count == 4)
            let registryOnly = try await app.request(.get, "/v1/events?source=registry", key: tenant.key).data.arrayValue ?? []
            #expect(!registryOnly.isEmpty && registryOnly.allSatisfy { $0["source"] == "registry" })
            let byServer = try await app.request(.get, "/v1/events?server_id=srv-1", key: tenant.key).data.arrayValue ?? []
            #expect(byServer.compactMap { $0["id"]?.stringValue } == ["mcp-1"])
            let byAgent = try await app.request(.get, "/v1/events?agent_id=\(agentID)&source=agent", key: tenant.key).data.arrayValue ?? []
            #expect(byAgent.compactMap { $0["id"]?.stringValue } == ["sdk-1", "mcp-1"])
            let byType = try await app.request(.get, "/v1/events?type=demo", key: tenant.key).data.arrayValue ?? []
            #expect(byType.compactMap { $0["id"]?.stringValue } == ["demo-1"])
            let past = try await app.request(.get, "/v1/events?until=2000-01-01T00:00:00Z", key: tenant.key).data
            #expect(past == [])
            let page = try await app.request(.get, "/v1/events?source=agent&limit=3", key: tenant.key)
            let cursor = try #require(page.json["next_cursor"]?.stringValue)
            let rest = try await app.request(.get, "/v1/events?source=agent&limit=3&cursor=\(cursor)", key: tenant.key)
            #expect(rest.data.arrayValue?.compactMap { $0["id"]?.stringValue } == ["core-1"] && rest.json["next_cursor"] == nil)
        }
    }

    @Test(arguments: TestBackend.available)
    func badInputFailsPerEventOrWholeAsDocumented(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let mixed = try await app.request(.post, "/v1/events", key: tenant.key, rawBody: """
                {"events": [{"id": "good", "type": "a"}, "nope", {"id": "typeless"}, {"id": "e", "eventType": ["x"]}]}
                """)
            #expect(mixed.status == .accepted)
            #expect(mixed.json == ["accepted": 1, "rejected": [["index": 1, "error": "invalid_event"], ["index": 2, "error": "invalid_event"], ["index": 3, "error": "invalid_event"]]])
            let notJSON = try await app.request(.post, "/v1/events", key: tenant.key, rawBody: "{not json")
            #expect(notJSON.status == .badRequest && notJSON.errorCode == "invalid_json")
            #expect(try await app.request(.post, "/v1/events", key: tenant.key).status == .badRequest, "an empty body is not JSON")
            #expect(try await app.request(.post, "/v1/events", key: tenant.key, rawBody: "\"text\"").errorCode == "invalid_json")
            let tooMany = JSONValue.object(["events": .array(Array(repeating: ["type": "a"], count: 1001))])
            let many = try await app.request(.post, "/v1/events", key: tenant.key, json: tooMany)
            #expect(many.status.code == 413 && many.errorCode == "payload_too_large")
            let huge = try await app.request(.post, "/v1/events", key: tenant.key, rawBody: #"{"type": "a", "payload": ""# + String(repeating: "x", count: 1 << 20) + #""}"#)
            #expect(huge.status.code == 413)
            #expect(try await app.request(.get, "/v1/events?source=elsewhere", key: tenant.key).errorCode == "invalid_request")
            #expect(try await app.request(.get, "/v1/events?until=yesterday", key: tenant.key).errorCode == "invalid_request")
            #expect(try await app.store.agentEvents(AgentEventQuery(orgID: tenant.org.id)).map(\.id) == ["good"])
        }
    }

    @Test(arguments: TestBackend.available)
    func credentialsAreRequired(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let body = #"{"type": "a"}"#
            #expect(try await app.request(.post, "/v1/events", rawBody: body).status == .unauthorized)
            #expect(try await app.request(.post, "/events", rawBody: body).status == .unauthorized)
            #expect(try await app.request(.post, "/v1/events", key: "cpsc_live_wrong", rawBody: body).status == .unauthorized)
            #expect(try await app.request(.post, "/v1/events", bearer: "cpsc_live_wrong", rawBody: body).status == .unauthorized)
            // Reporting needs no particular scope; reading the log still needs audit:read.
            let reader = try await app.tenant(scopes: [Scope.agentsRead])
            #expect(try await app.request(.post, "/v1/events", key: reader.key, rawBody: body).status == .accepted)
            #expect(try await app.request(.get, "/v1/events", key: reader.key).errorCode == "insufficient_scope")
        }
    }

    @Test(arguments: TestBackend.available)
    func anotherOrganisationsAgentsAndEventsStayApart(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let other = try await app.tenant()
            let theirs = try await app.keyedAgent(other)
            let result = try await app.request(.post, "/v1/events", key: tenant.key, rawBody: """
                {"events": [{"id": "x1", "type": "a", "agentId": "\(theirs)"}, {"id": "x2", "type": "a"}]}
                """)
            #expect(result.json == ["accepted": 1, "rejected": [["index": 0, "error": "unknown_agent"]]])
            _ = try await app.request(.post, "/v1/events", key: other.key, rawBody: #"{"id": "x2", "type": "theirs"}"#)
            let mine = try await app.request(.get, "/v1/events?source=agent", key: tenant.key).data.arrayValue ?? []
            #expect(mine.compactMap { $0["type"]?.stringValue } == ["a"], "the same id in another org is another event")
            let filtered = try await app.request(.get, "/v1/events?agent_id=\(theirs)", key: tenant.key)
            #expect(filtered.status == .ok && filtered.data == [], "another org's agent filters to nothing")
            #expect(try await app.store.agentEvents(AgentEventQuery(orgID: other.org.id)).map(\.type) == ["theirs"])
        }
    }

    @Test(arguments: TestBackend.available)
    func thePerKeyEventLimitAnswers429WhenNothingFits(backend: TestBackend) async throws {
        try await TestApp.run(backend, configure: { $0.eventPolicy.ratePerMinute = 3 }) { app in
            let tenant = try await app.tenant()
            let batch = JSONValue.object(["events": .array((0..<2).map { (n: Int) -> JSONValue in ["id": .string("r\(n)"), "type": "a"] })])
            #expect(try await app.request(.post, "/v1/events", key: tenant.key, json: batch).json["accepted"] == 2)
            let partly = try await app.request(.post, "/v1/events", key: tenant.key, json: batch)
            #expect(partly.json == ["accepted": 1, "rejected": [["index": 1, "error": "rate_limit_exceeded"]]])
            let refused = try await app.request(.post, "/v1/events", key: tenant.key, json: batch)
            #expect(refused.status == .tooManyRequests && refused.headers[.retryAfter] != nil)
        }
    }
}

/// `GET /v1/sdk/agents?did=` and `/v1/agents?did=` (issue #12 C).
@Suite struct AgentDIDLookupTests {
    @Test(arguments: TestBackend.available)
    func didFiltersToExactlyThatAgentOfTheCallersOrganisation(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let other = try await app.tenant()
            let did = DIDKey.did(for: PrivateJWK.generate(kid: "a").publicKey)
            let theirDID = DIDKey.did(for: PrivateJWK.generate(kid: "b").publicKey)
            let mine = try await app.request(.post, "/v1/agents", key: tenant.key, json: ["name": "mine", "did": .string(did)])
            _ = try await app.request(.post, "/v1/agents", key: tenant.key, json: ["name": "another"])
            _ = try await app.request(.post, "/v1/agents", key: other.key, json: ["name": "theirs", "did": .string(theirDID)])
            let id = try #require(mine.data["id"]?.stringValue)
            for prefix in ["/v1/agents", "/v1/sdk/agents"] {
                let found = try await app.request(.get, "\(prefix)?did=\(did)", key: tenant.key)
                #expect(found.status == .ok && found.data.arrayValue?.compactMap { $0["id"]?.stringValue } == [id])
                #expect(try await app.request(.get, "\(prefix)?did=\(did)x", key: tenant.key).data == [], "exactly that DID")
                #expect(try await app.request(.get, "\(prefix)?did=\(theirDID)", key: tenant.key).data == [], "not another org's")
                #expect(try await app.request(.get, "\(prefix)?did=", key: tenant.key).data == [])
                #expect(try await app.request(.get, "\(prefix)?did=\(did)").status == .unauthorized)
                #expect(try await app.request(.get, prefix, key: tenant.key).data.arrayValue?.count == 2, "no filter: every agent")
            }
            let writer = try await app.tenant(scopes: [Scope.badgesIssue])
            #expect(try await app.request(.get, "/v1/agents?did=\(did)", key: writer.key).errorCode == "insufficient_scope")
        }
    }
}
