import Foundation
import BadgeCore
import Registry
import StoreConformance
import Testing

extension TestApp {
    /// `POST …/servers/{id}/badge` as capiscio-mcp sends it.
    func issueServerBadge(_ tenant: TestTenant, _ id: String, _ body: JSONValue = [:], sdk: Bool = true) async throws -> TestResult {
        try await request(.post, "\(sdk ? "/v1/sdk/servers" : "/v1/servers")/\(id)/badge", key: tenant.key, json: body)
    }
}

@Suite struct ServerBadgeTests {
    /// The first call names the domain, renewals send `{}`; the badge is the server's, known to
    /// every verification route, and level 2 once the domain is validated for the organisation.
    @Test(arguments: TestBackend.available)
    func issuanceRenewalAndLevels(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let key = ServerKey()
            let id = try await app.createServer(tenant, key)
            let first = try await app.issueServerBadge(tenant, id, ["domain": "MCP.example.com:8443"])
            #expect(first.status == .ok)
            let token = try #require(first.data["badge"]?.stringValue)
            #expect(first.data["token"] == .string(token) && first.json["badge"] == .string(token))
            let claims = try CompactJWS.parse(token).payload
            #expect(claims["sub"] == .string(key.did))
            #expect(claims["ial"] == "0")
            #expect(claims["vc"]?["credentialSubject"]?["level"] == "1")
            #expect(claims["vc"]?["credentialSubject"]?["domain"] == "mcp.example.com")
            #expect(try PublicJWK(json: claims["key"]!) == key.key)
            // The domain is remembered on the server…
            #expect(try await app.request(.get, "/v1/sdk/servers/\(id)", key: tenant.key).data["domain"] == "mcp.example.com:8443")
            // …so a renewal with `{}` names it again.
            let renewal = try await app.issueServerBadge(tenant, id, [:], sdk: false)
            #expect(renewal.status == .ok)
            let renewed = try CompactJWS.parse(try #require(renewal.data["badge"]?.stringValue)).payload
            #expect(renewed["vc"]?["credentialSubject"]?["domain"] == "mcp.example.com")
            #expect(renewed["jti"] != claims["jti"])

            // Every verification route knows a server badge.
            let valid = try await app.validate(token)
            #expect(valid["valid"] == true && valid["claims"]?["sub"] == .string(key.did))
            let jti = try #require(claims["jti"]?.stringValue)
            for path in ["/v1/badges/\(jti)/status", "/v1/servers/badges/\(jti)/status"] {
                let status = try await app.request(.get, path)
                #expect(status.status == .ok && status.json["revoked"] == false && status.json["sub"] == .string(key.did), "\(path)")
            }

            // With the host validated for the organisation, the next badge is level 2.
            try await app.store.insertDVGrant(DVGrant(
                jti: UUID().uuidString.lowercased(), domain: "mcp.example.com", thumbprint: "jkt", orgID: tenant.org.id,
                orderID: UUID().uuidString.lowercased(), token: "a.b.c", issuedAt: app.clock.now(), expiresAt: app.clock.now() + 3600
            ))
            let level2 = try await app.issueServerBadge(tenant, id)
            #expect(level2.data["trust_level"] == "2")
            #expect(try await app.validate(try #require(level2.data["badge"]?.stringValue))["valid"] == true)
            // Another organisation's grant for the host does not count.
            let other = try await app.tenant()
            let otherID = try await app.createServer(other)
            #expect(try await app.issueServerBadge(other, otherID, ["domain": "mcp.example.com"]).data["trust_level"] == "1")

            let issued = try await app.store.events(orgID: tenant.org.id).filter { $0.type == "badge.issued" }
            #expect(issued.count == 3)
            for event in issued {
                #expect(event.agentID == id)
                let details = try JSONValue.parse(Array((event.details ?? "").utf8))
                #expect(details["server_id"] == .string(id))
            }
        }
    }

    /// A server without a DID gets badges for its registry `did:web`, which resolves at
    /// `/servers/{id}/did.json` and verifies.
    @Test(arguments: TestBackend.available)
    func registryDIDSubject(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let key = ServerKey()
            let created = try await app.request(.post, "/v1/servers", key: tenant.key, json: ["name": "keyed", "publicKey": key.key.json])
            let id = try #require(created.data["id"]?.stringValue)
            let response = try await app.issueServerBadge(tenant, id, sdk: false)
            #expect(response.status == .ok)
            let token = try #require(response.data["badge"]?.stringValue)
            #expect(try CompactJWS.parse(token).payload["sub"] == .string("did:web:registry.test.example:servers:\(id)"))
            #expect(try await app.validate(token)["valid"] == true)
            // A server with no key at all cannot be issued a badge.
            let bare = try await app.request(.post, "/v1/servers", key: tenant.key, json: ["name": "bare"]).data["id"]!.stringValue!
            let refused = try await app.issueServerBadge(tenant, bare)
            #expect(refused.status == .conflict && refused.errorCode == "agent_key_missing")
            #expect(refused.json["message"]?.stringValue?.contains("PUT /v1/sdk/servers/{id}") == true)
        }
    }

    /// Revocation through the servers' route, the feed, and disable: capiscio-core verifies
    /// server badges online and fails closed.
    @Test(arguments: TestBackend.available)
    func revocationAndDisable(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let id = try await app.createServer(tenant)
            let token = try #require(try await app.issueServerBadge(tenant, id).data["badge"]?.stringValue)
            let jti = try #require(try CompactJWS.parse(token).payload["jti"]?.stringValue)

            let stranger = try await app.tenant()
            let foreign = try await app.request(.post, "/v1/sdk/servers/badges/\(jti)/revoke", key: stranger.key, json: [:])
            #expect(foreign.status == .notFound && foreign.errorCode == "badge_not_found")
            // An agent's badge is not revoked through the servers' route.
            let agentID = try await app.keyedAgent(tenant)
            let agentToken = try #require(try await app.issue(tenant, agentID).data["token"]?.stringValue)
            let agentJTI = try #require(try CompactJWS.parse(agentToken).payload["jti"]?.stringValue)
            #expect(try await app.request(.post, "/v1/servers/badges/\(agentJTI)/revoke", key: tenant.key, json: [:]).status == .notFound)
            #expect(try await app.validate(agentToken)["valid"] == true)

            let revoked = try await app.request(.post, "/v1/sdk/servers/badges/\(jti)/revoke", key: tenant.key, json: ["reason": "rotated"])
            #expect(revoked.status == .ok && revoked.json["revoked"] == true && revoked.json["reason"] == "rotated")
            #expect(try await app.validate(token)["error"] == "BADGE_REVOKED")
            let feed = try await app.request(.get, "/v1/revocations").json["revocations"]?.arrayValue ?? []
            #expect(feed.contains { $0["jti"] == .string(jti) })
            #expect(try await app.request(.get, "/v1/servers/badges/\(jti)/status").json["revoked"] == true)

            let live = try #require(try await app.issueServerBadge(tenant, id).data["badge"]?.stringValue)
            #expect(try await app.request(.post, "/v1/sdk/servers/\(id)/disable", key: tenant.key, json: [:]).status == .ok)
            #expect(try await app.validate(live)["error"] == "BADGE_AGENT_DISABLED")
            let refused = try await app.issueServerBadge(tenant, id)
            #expect(refused.status == .forbidden && refused.errorCode == "agent_disabled")
            #expect(try await app.request(.get, "/v1/servers/\(id)/status").json["status"] == "disabled")
            _ = try await app.request(.post, "/v1/sdk/servers/\(id)/enable", key: tenant.key)
            #expect(try await app.validate(live)["valid"] == true)
            _ = try await app.request(.delete, "/v1/sdk/servers/\(id)", key: tenant.key)
            #expect(try await app.validate(live)["error"] == "BADGE_AGENT_DISABLED")
        }
    }

    /// An event whose `agentId` is an MCP server is the server's (`server_id` filter).
    @Test(arguments: TestBackend.available)
    func eventsNameServers(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let id = try await app.createServer(tenant)
            let sent = try await app.request(.post, "/v1/events", key: tenant.key, json: [
                "id": "e-1", "agentId": .string(id), "eventType": "capiscio.policy_enforced", "severity": "INFO",
            ])
            #expect(sent.status == .accepted && sent.json["accepted"] == 1)
            let found = try await app.request(.get, "/v1/events?server_id=\(id)", key: tenant.key).data.arrayValue ?? []
            #expect(found.count == 1 && found.first?["type"] == "capiscio.policy_enforced")
            let stranger = try await app.tenant()
            let foreign = try await app.request(.post, "/v1/events", key: stranger.key, json: ["agentId": .string(id), "eventType": "x"])
            #expect(foreign.json["rejected"]?.arrayValue?.first?["error"] == "unknown_agent")
        }
    }
}
