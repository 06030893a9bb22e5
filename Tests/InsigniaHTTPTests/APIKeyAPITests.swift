import BadgeCore
import Registry
import StoreConformance
import Testing

@Suite struct APIKeyAPITests {
    @Test(arguments: TestBackend.available, APIKeyController_prefixes)
    func createListDeleteLifecycle(backend: TestBackend, prefix: String) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.tenant()
            let created = try await app.request(.post, prefix, key: admin.key, json: ["name": "Production Key"])
            #expect(created.status == .created)
            let secret = try #require(created.data["key"]?.stringValue)
            #expect(secret.hasPrefix("cpsc_live_") && secret.count >= 50)
            #expect(created.json["message"]?.stringValue?.contains("will not be shown again") == true)
            let id = try #require(created.data["id"]?.stringValue)

            // The new key authenticates; the listing never shows a secret.
            #expect(try await app.request(.get, "/v1/agents", key: secret).status == .ok)
            let listed = try await app.request(.get, prefix, key: admin.key)
            #expect(listed.status == .ok)
            let entry = try #require(listed.data.arrayValue?.first { $0["id"]?.stringValue == id })
            #expect(entry["key"] == nil)
            #expect(entry["name"] == "Production Key")
            #expect(entry["prefix"]?.stringValue.map { secret.hasPrefix($0) } == true)
            #expect(!listed.text.contains(secret))

            // Deleting stops it at once and removes it from the list.
            let deleted = try await app.request(.delete, "\(prefix)/\(id)", key: admin.key)
            #expect(deleted.status == .ok)
            #expect(deleted.json["success"] == true)
            #expect(try await app.request(.get, "/v1/agents", key: secret).status == .unauthorized)
            #expect(try await app.request(.get, prefix, key: admin.key).data.arrayValue?.contains { $0["id"]?.stringValue == id } == false)
            #expect(try await app.request(.delete, "\(prefix)/\(id)", key: admin.key).status == .notFound)
        }
    }

    @Test(arguments: TestBackend.available)
    func anotherOrgsKeysAreInvisible(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let a = try await app.tenant()
            let b = try await app.tenant()
            let keyOfB = try #require(try await app.store.apiKeys(orgID: b.org.id).first)
            let listA = try await app.request(.get, "/v1/api-keys", key: a.key)
            #expect(listA.data.arrayValue?.contains { $0["id"]?.stringValue == keyOfB.id } == false)
            let attempt = try await app.request(.delete, "/v1/api-keys/\(keyOfB.id)", key: a.key)
            #expect(attempt.status == .notFound)
            #expect(try await app.request(.get, "/v1/agents", key: b.key).status == .ok)
        }
    }

    @Test(arguments: TestBackend.available)
    func scopesAreEnforcedAndCannotEscalate(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let reader = try await app.tenant(scopes: [Scope.agentsRead])
            #expect(try await app.request(.get, "/v1/agents", key: reader.key).status == .ok)
            let write = try await app.request(.post, "/v1/agents", key: reader.key, json: ["name": "x"])
            #expect(write.status == .forbidden)
            #expect(write.errorCode == "insufficient_scope")
            #expect(try await app.request(.post, "/v1/api-keys", key: reader.key, json: ["name": "x"]).status == .forbidden)

            let keyAdmin = try await app.tenant(scopes: [Scope.keysAdmin])
            let escalate = try await app.request(.post, "/v1/api-keys", key: keyAdmin.key, json: ["name": "x", "scopes": ["agents:write"]])
            #expect(escalate.status == .forbidden)
            let inherit = try await app.request(.post, "/v1/api-keys", key: keyAdmin.key, json: ["name": "y"])
            #expect(inherit.status == .created)
            #expect(inherit.data["scopes"] == ["keys:admin"])
        }
    }

    @Test(arguments: TestBackend.available)
    func badInputIs4xxJSON(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.tenant()
            let cases: [(TestResult, Int, String)] = [
                (try await app.request(.post, "/v1/api-keys", key: admin.key, json: [:]), 400, "invalid_request"),
                (try await app.request(.post, "/v1/api-keys", key: admin.key, json: ["name": 42]), 400, "invalid_request"),
                (try await app.request(.post, "/v1/api-keys", key: admin.key, json: ["name": "  "]), 400, "invalid_request"),
                (try await app.request(.post, "/v1/api-keys", key: admin.key, rawBody: "{\"name\":"), 400, "invalid_json"),
                (try await app.request(.post, "/v1/api-keys", key: admin.key, rawBody: "[1,2]"), 400, "invalid_json"),
                (try await app.request(.post, "/v1/api-keys", key: admin.key, json: ["name": "x", "scopes": ["root"]]), 400, "invalid_request"),
                (try await app.request(.post, "/v1/api-keys", key: admin.key, json: ["name": "x", "expires_at": "tomorrow"]), 400, "invalid_request"),
                (try await app.request(.post, "/v1/api-keys", key: admin.key, json: ["name": "x", "expires_at": "2001-01-01T00:00:00Z"]), 400, "invalid_request"),
                (try await app.request(.post, "/v1/api-keys", key: admin.key, rawBody: "{\"name\":\"" + String(repeating: "a", count: 1 << 21) + "\"}"), 413, "payload_too_large"),
            ]
            for (response, status, code) in cases {
                #expect(response.status.code == status)
                #expect(response.errorCode == code)
                #expect(response.json["success"] == false)
            }
        }
    }
}

let APIKeyController_prefixes = ["/v1/api-keys", "/v1/keys", "/api-keys"]
