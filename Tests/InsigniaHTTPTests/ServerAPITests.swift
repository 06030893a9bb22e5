import Foundation
import BadgeCore
import HTTPTypes
import Registry
import StoreConformance
import Testing

/// A fresh Ed25519 key as capiscio-mcp sends it: PEM SubjectPublicKeyInfo, with its did:key.
struct ServerKey {
    let key: PublicJWK
    var did: String { DIDKey.did(for: key) }
    var pem: String { key.pem }

    init() { key = PrivateJWK.generate(kid: "server").publicKey }
}

extension TestApp {
    /// Registers an MCP server the way capiscio-mcp auto-creates one; returns its id.
    func createServer(_ tenant: TestTenant, _ key: ServerKey = ServerKey(), extra: [String: JSONValue] = [:]) async throws -> String {
        var body: [String: JSONValue] = ["name": "MCP Server 1", "did": .string(key.did), "publicKey": .string(key.pem)]
        body.merge(extra) { _, new in new }
        let response = try await request(.post, "/v1/sdk/servers", key: tenant.key, json: .object(body))
        #expect(response.status == .created)
        return try #require(response.data["id"]?.stringValue)
    }
}

@Suite struct ServerRegistryTests {
    @Test(arguments: TestBackend.available, ["/v1/servers", "/v1/sdk/servers"])
    func crudLifecycle(backend: TestBackend, prefix: String) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let key = ServerKey()
            let created = try await app.request(.post, prefix, key: tenant.key, json: [
                "name": "weather", "did": .string(key.did), "publicKey": .string(key.pem), "domain": "MCP.Example.com:8443",
                "description": "forecasts", "url": "https://mcp.example.com:8443/sse",
            ])
            #expect(created.status == .created)
            #expect(created.json["message"] == "MCP server created")
            let server = created.data
            let id = try #require(server["id"]?.stringValue)
            #expect(server["orgId"] == .string(tenant.org.id) && server["org_id"] == .string(tenant.org.id))
            #expect(server["did"] == .string(key.did))
            #expect(server["publicKey"] == key.key.json)
            #expect(server["domain"] == "mcp.example.com:8443")
            #expect(server["url"] == "https://mcp.example.com:8443/sse")
            #expect(server["status"] == "active")
            #expect(server["createdAt"]?.stringValue?.hasSuffix("Z") == true && server["updatedAt"] == server["createdAt"])

            #expect(try await app.request(.get, "\(prefix)/\(id)", key: tenant.key).data == server)
            #expect(try await app.request(.get, "\(prefix)/\(key.did)", key: tenant.key).data == server)
            #expect(try await app.request(.get, prefix, key: tenant.key).data.arrayValue?.map { $0["id"] } == [.string(id)])
            // Servers and agents list apart; ?did= finds only the exact DID of that kind.
            let agentID = try await app.keyedAgent(tenant)
            #expect(try await app.request(.get, "/v1/agents", key: tenant.key).data.arrayValue?.map { $0["id"] } == [.string(agentID)])
            #expect(try await app.request(.get, "\(prefix)?did=\(key.did)", key: tenant.key).data.arrayValue?.map { $0["id"] } == [.string(id)])
            #expect(try await app.request(.get, "\(prefix)?did=did:key:z6MkOther", key: tenant.key).data == [])
            #expect(try await app.request(.get, "/v1/sdk/agents?did=\(key.did)", key: tenant.key).data == [])
            #expect(try await app.request(.get, "/v1/agents/\(id)", key: tenant.key).errorCode == "agent_not_found")
            #expect(try await app.request(.get, "\(prefix)/\(agentID)", key: tenant.key).errorCode == "server_not_found")

            app.clock.advance(5)
            let updated = try await app.request(.put, "\(prefix)/\(id)", key: tenant.key, json: ["name": "weather-2", "url": .null])
            #expect(updated.status == .ok && updated.json["success"] == true)
            #expect(updated.data["name"] == "weather-2" && updated.data["url"] == .null && updated.data["did"] == .string(key.did))
            #expect(updated.data["updatedAt"] != server["updatedAt"])

            let disabled = try await app.request(.post, "\(prefix)/\(id)/disable", key: tenant.key, json: ["reason": "leaked key"])
            #expect(disabled.data["status"] == "disabled" && disabled.data["disableReason"] == "leaked key")
            let status = try await app.request(.get, "/v1/servers/\(id)/status")
            #expect(status.status == .ok)
            #expect(status.json["status"] == "disabled" && status.json["reason"] == "leaked key" && status.json["did"] == .string(key.did))
            #expect(status.json["disabledAt"] == disabled.data["disabledAt"])
            let enabled = try await app.request(.post, "\(prefix)/\(id)/enable", key: tenant.key)
            #expect(enabled.data["status"] == "active")
            #expect(try await app.request(.get, "/v1/servers/\(id)/status").json["status"] == "active")

            let deleted = try await app.request(.delete, "\(prefix)/\(id)", key: tenant.key)
            #expect(deleted.json == ["success": true, "message": "MCP server deleted"])
            #expect(try await app.request(.get, "\(prefix)/\(id)", key: tenant.key).status == .notFound)
            #expect(try await app.request(.get, "/v1/servers/\(id)/status").status == .notFound)

            let types = try await app.store.events(orgID: tenant.org.id).map(\.type).filter { $0.hasPrefix("server.") }
            #expect(types == ["server.created", "server.updated", "server.disabled", "server.enabled", "server.deleted"])
        }
    }

    /// capiscio-mcp's `register_server_identity`: PUT the identity; an unknown id is 404 (it then
    /// POSTs); the same identity again is 200; another DID is 409.
    @Test(arguments: TestBackend.available)
    func identityFlowOfCapiscioMCP(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let key = ServerKey()
            let identity: JSONValue = ["did": .string(key.did), "publicKey": .string(key.pem)]
            for unknown in [UUID().uuidString.lowercased(), "my-mcp-server"] {
                let missing = try await app.request(.put, "/v1/sdk/servers/\(unknown)", key: tenant.key, json: identity)
                #expect(missing.status == .notFound && missing.errorCode == "server_not_found")
            }
            let bare = try await app.request(.post, "/v1/sdk/servers", key: tenant.key, json: ["name": "bare"])
            let id = try #require(bare.data["id"]?.stringValue)
            #expect(bare.data["did"] == .null && bare.data["publicKey"] == .null)

            let set = try await app.request(.put, "/v1/sdk/servers/\(id)", key: tenant.key, json: identity)
            #expect(set.status == .ok && set.json["success"] == true)
            #expect(set.data["did"] == .string(key.did) && set.data["publicKey"] == key.key.json && set.data["orgId"] == .string(tenant.org.id))
            let again = try await app.request(.put, "/v1/sdk/servers/\(id)", key: tenant.key, json: identity)
            #expect(again.status == .ok && again.data == set.data)

            let other = ServerKey()
            let conflict = try await app.request(.put, "/v1/sdk/servers/\(id)", key: tenant.key, json: [
                "did": .string(other.did), "publicKey": .string(other.pem),
            ])
            #expect(conflict.status == .conflict && conflict.errorCode == "identity_immutable")
            // The same DID on a second server, or on an agent, is taken.
            let twin = try await app.request(.post, "/v1/sdk/servers", key: tenant.key, json: ["name": "twin", "did": .string(key.did)])
            #expect(twin.status == .conflict && twin.errorCode == "did_in_use")
            let agent = try await app.request(.post, "/v1/agents", key: tenant.key, json: ["name": "a", "did": .string(key.did)])
            #expect(agent.status == .conflict && agent.errorCode == "did_in_use")
        }
    }

    @Test(arguments: TestBackend.available)
    func publicKeyForms(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let key = ServerKey()
            let jwk = key.key.json
            let forms: [JSONValue] = [.string(key.pem), jwk, .string(String(decoding: jwk.serialized(), as: UTF8.self))]
            for form in forms {
                let created = try await app.request(.post, "/v1/sdk/servers", key: tenant.key, json: ["name": "k", "publicKey": form])
                #expect(created.status == .created && created.data["publicKey"] == jwk, "form \(form)")
            }
            let refusals: [(JSONValue, String)] = [
                (.string(PEMFixtures.privateKey), "private"),
                (["kty": "OKP", "crv": "Ed25519", "x": .string(key.key.json["x"]!.stringValue!), "d": "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"], "private"),
                (.string("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VuAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----"), "Ed25519"),
                (.string("not a key"), "JSON"),
                (.int(7), "JWK"),
            ]
            for (value, words) in refusals {
                let refused = try await app.request(.post, "/v1/sdk/servers", key: tenant.key, json: ["name": "k", "publicKey": value])
                #expect(refused.status == .badRequest && refused.errorCode == "invalid_public_key", "publicKey \(value)")
                #expect(refused.json["message"]?.stringValue?.contains(words) == true, "message names the problem: \(refused.text)")
            }
            // A key that is not the one inside the did:key.
            let mismatch = try await app.request(.post, "/v1/sdk/servers", key: tenant.key, json: [
                "name": "k", "did": .string(key.did), "publicKey": .string(ServerKey().pem),
            ])
            #expect(mismatch.status == .badRequest && mismatch.errorCode == "invalid_public_key")
        }
    }

    @Test(arguments: TestBackend.available)
    func badInput(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let bodies: [JSONValue] = [
                [:], ["name": ""], ["name": 5], ["name": "n", "domain": "bad domain"], ["name": "n", "domain": "mcp.example.com:99999"],
                ["name": "n", "domain": "https://mcp.example.com"], ["name": "n", "url": "ftp://mcp.example.com"], ["name": "n", "url": "relative/path"],
                ["name": "n", "did": "did:nope"], ["name": "n", "description": .string(String(repeating: "d", count: 2001))],
            ]
            for body in bodies {
                let response = try await app.request(.post, "/v1/sdk/servers", key: tenant.key, json: body)
                #expect(response.status == .badRequest, "\(body) → \(response.status) \(response.text)")
                #expect(response.errorCode != nil)
            }
            #expect(try await app.request(.post, "/v1/sdk/servers", key: tenant.key, rawBody: "{").errorCode == "invalid_json")
            #expect(try await app.request(.get, "/v1/sdk/servers?limit=0", key: tenant.key).status == .badRequest)
            #expect(try await app.request(.get, "/v1/sdk/servers?cursor=%%%", key: tenant.key).status == .badRequest)
        }
    }

    @Test(arguments: TestBackend.available)
    func tenancyAndScopes(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let owner = try await app.tenant()
            let stranger = try await app.tenant()
            let id = try await app.createServer(owner)
            for (method, path) in [
                (HTTPRequest.Method.get, "/v1/sdk/servers/\(id)"), (.put, "/v1/sdk/servers/\(id)"), (.delete, "/v1/servers/\(id)"),
                (.post, "/v1/sdk/servers/\(id)/disable"), (.post, "/v1/servers/\(id)/enable"), (.post, "/v1/sdk/servers/\(id)/badge"),
            ] {
                let response = try await app.request(method, path, key: stranger.key, json: [:])
                #expect(response.status == .notFound && response.errorCode == "server_not_found", "\(method) \(path)")
            }
            #expect(try await app.request(.get, "/v1/sdk/servers", key: stranger.key).data == [])
            #expect(try await app.request(.get, "/v1/sdk/servers", key: nil).status == .unauthorized)
            #expect(try await app.request(.post, "/v1/sdk/servers/\(id)/badge", json: [:]).status == .unauthorized)

            let agentsOnly = try await app.tenant(scopes: [Scope.agentsRead, Scope.agentsWrite, Scope.badgesIssue])
            let denied = try await app.request(.get, "/v1/sdk/servers", key: agentsOnly.key)
            #expect(denied.status == .forbidden && denied.errorCode == "insufficient_scope")
            #expect(denied.json["message"]?.stringValue?.contains("servers:read") == true)
            let reader = try await app.tenant(scopes: [Scope.serversRead])
            #expect(try await app.request(.get, "/v1/sdk/servers", key: reader.key).status == .ok)
            #expect(try await app.request(.post, "/v1/sdk/servers", key: reader.key, json: ["name": "x"]).errorCode == "insufficient_scope")
            #expect(try await app.request(.post, "/v1/sdk/servers/\(id)/badge", key: reader.key, json: [:]).errorCode == "insufficient_scope")
            #expect(try await app.request(.post, "/v1/api-keys", key: owner.key, json: ["name": "s", "scopes": ["servers:write"]]).status == .created)
        }
    }

    /// The agent DID-document shape at `/servers/{id}/did.json`, for the server's registry DID.
    @Test(arguments: TestBackend.available)
    func didDocument(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let key = ServerKey()
            let id = try await app.createServer(tenant, key, extra: ["url": "https://mcp.example.com/mcp"])
            let response = try await app.request(.get, "/servers/\(id)/did.json")
            #expect(response.status == .ok && response.headers[.contentType] == "application/did+json")
            let did = "did:web:registry.test.example:servers:\(id)"
            #expect(response.json["id"] == .string(did))
            let method = try #require(response.json["verificationMethod"]?.arrayValue?.first)
            #expect(method["id"] == .string("\(did)#key-1") && method["controller"] == .string(did))
            #expect(response.json["authentication"] == [.string("\(did)#key-1")])
            #expect(response.json["service"]?.arrayValue?.first?["serviceEndpoint"] == "https://mcp.example.com/mcp")
            #expect(try await app.request(.get, "/agents/\(id)/did.json").status == .notFound)
            let agentID = try await app.keyedAgent(tenant)
            #expect(try await app.request(.get, "/servers/\(agentID)/did.json").status == .notFound)
            #expect(try await app.request(.get, "/v1/servers/\(agentID)/status").status == .notFound)
            #expect(try await app.request(.get, "/v1/agents/\(id)/status").status == .notFound)
            // Bad input on the public routes: 4xx JSON, never a 5xx.
            for (path, status, code) in [
                ("/servers/not-a-uuid/did.json", 404, "server_not_found"), ("/v1/servers/did%3Anope/status", 404, "server_not_found"),
                ("/v1/servers/badges/nope/status", 404, "badge_not_found"), ("/v1/servers/a%00b/status", 400, "invalid_input"),
                ("/v1/servers/badges/\(String(repeating: "j", count: 300))/status", 404, "badge_not_found"),
            ] {
                let response = try await app.request(.get, path)
                #expect(Int(response.status.code) == status && response.errorCode == code, "\(path) → \(response.status) \(response.text)")
            }
        }
    }
}

/// PEM private key material (RFC 8410 §10.3) a careless client might send as `publicKey`.
enum PEMFixtures {
    static let privateKey = """
        -----BEGIN PRIVATE KEY-----
        MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC
        -----END PRIVATE KEY-----
        """
}
