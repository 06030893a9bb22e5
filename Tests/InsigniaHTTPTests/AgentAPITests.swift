import BadgeCore
import Registry
import StoreConformance
import Testing

/// A did:key with its JWK `x` (CONTRACT.md §5.7 vectors).
let exampleDIDKey = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
let exampleX = "Lm_M42cB3HkUiODQsXRcweM6TByfzEHGO9ND274JcOY"
let otherX = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"

extension TestApp {
    /// Creates an agent and returns its id.
    func createAgent(_ tenant: TestTenant, _ body: JSONValue = ["name": "agent"]) async throws -> String {
        let response = try await request(.post, "/v1/agents", key: tenant.key, json: body)
        #expect(response.status == .created)
        return try #require(response.data["id"]?.stringValue)
    }
}

@Suite struct AgentAPITests {
    @Test(arguments: TestBackend.available, ["/v1/agents", "/v1/sdk/agents"])
    func crudLifecycle(backend: TestBackend, prefix: String) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let created = try await app.request(.post, prefix, key: tenant.key, json: [
                "name": "billing", "domain": "Billing.Example.COM", "description": "pays", "protocol": "a2a",
                "agent_card": ["name": "billing", "url": "https://billing.example.com/a2a"],
            ])
            #expect(created.status == .created)
            #expect(created.json["success"] == true)
            #expect(created.json["message"] == "Agent created")
            let agent = created.data
            let id = try #require(agent["id"]?.stringValue)
            #expect(agent["name"] == "billing")
            #expect(agent["domain"] == "billing.example.com")
            #expect(agent["status"] == "active")
            #expect(agent["trust_level"] == "1")
            #expect(agent["org_id"] == .string(tenant.org.id))
            #expect(agent["agentCard"]?["url"] == "https://billing.example.com/a2a")
            #expect(agent["did"] == .null && agent["publicKey"] == .null)
            #expect(agent["created_at"]?.stringValue?.hasSuffix("Z") == true)

            let fetched = try await app.request(.get, "\(prefix)/\(id)", key: tenant.key)
            #expect(fetched.status == .ok)
            #expect(fetched.data == agent)

            app.clock.advance(5)
            let updated = try await app.request(.put, "\(prefix)/\(id)", key: tenant.key, json: ["description": .null, "name": "billing-2"])
            #expect(updated.status == .ok)
            #expect(updated.data["name"] == "billing-2")
            #expect(updated.data["description"] == .null)
            #expect(updated.data["domain"] == "billing.example.com")
            #expect(updated.data["updated_at"] != agent["updated_at"])

            let listed = try await app.request(.get, prefix, key: tenant.key)
            #expect(listed.data.arrayValue?.map { $0["id"] } == [.string(id)])

            let disabled = try await app.request(.post, "\(prefix)/\(id)/disable", key: tenant.key, json: ["reason": "compromised"])
            #expect(disabled.status == .ok)
            #expect(disabled.data["status"] == "disabled")
            #expect(disabled.data["disable_reason"] == "compromised")
            let again = try await app.request(.post, "\(prefix)/\(id)/disable", key: tenant.key)
            #expect(again.status == .ok)
            #expect(again.data["disabled_at"] == disabled.data["disabled_at"])
            #expect(again.data["disable_reason"] == "compromised")

            let enabled = try await app.request(.post, "\(prefix)/\(id)/enable", key: tenant.key)
            #expect(enabled.status == .ok)
            #expect(enabled.data["status"] == "active")
            #expect(enabled.data["disabled_at"] == .null)

            let deleted = try await app.request(.delete, "\(prefix)/\(id)", key: tenant.key)
            #expect(deleted.status == .ok)
            #expect(deleted.json == ["success": true, "message": "Agent deleted"])
            #expect(try await app.request(.get, "\(prefix)/\(id)", key: tenant.key).status == .notFound)
            #expect(try await app.request(.delete, "\(prefix)/\(id)", key: tenant.key).status == .notFound)
        }
    }

    @Test(arguments: TestBackend.available)
    func putStatusActiveDoesNotReEnable(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let id = try await app.createAgent(tenant)
            _ = try await app.request(.post, "/v1/agents/\(id)/disable", key: tenant.key)
            // What the Python SDK does on every start: GET, then PUT it back with status "active".
            let echoed = try await app.request(.get, "/v1/sdk/agents/\(id)", key: tenant.key).data
            guard case .object(var body) = echoed else { Issue.record("agent is not an object"); return }
            body["status"] = "active"
            let put = try await app.request(.put, "/v1/sdk/agents/\(id)", key: tenant.key, json: .object(body))
            #expect(put.status == .ok)
            #expect(put.data["status"] == "disabled")
            // PUT of "disabled" disables an active agent.
            let other = try await app.createAgent(tenant)
            let disabling = try await app.request(.put, "/v1/agents/\(other)", key: tenant.key, json: ["status": "disabled"])
            #expect(disabling.data["status"] == "disabled")
            #expect(disabling.data["disabled_at"] != .null)
            // Between the usable states a PUT switches freely: inactive, then active again.
            let third = try await app.createAgent(tenant)
            #expect(try await app.request(.put, "/v1/agents/\(third)", key: tenant.key, json: ["status": "inactive"]).data["status"] == "inactive")
            #expect(try await app.request(.put, "/v1/agents/\(third)", key: tenant.key, json: ["status": "active"]).data["status"] == "active")
        }
    }

    @Test(arguments: TestBackend.available)
    func listPagination(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            var ids: [String] = []
            for n in 0..<5 {
                ids.append(try await app.createAgent(tenant, ["name": .string("a\(n)")]))
                app.clock.advance(1)
            }
            let page1 = try await app.request(.get, "/v1/agents?limit=2", key: tenant.key)
            #expect(page1.data.arrayValue?.compactMap { $0["id"]?.stringValue } == Array(ids[0..<2]))
            let cursor = try #require(page1.json["next_cursor"]?.stringValue)
            let page2 = try await app.request(.get, "/v1/agents?limit=2&cursor=\(cursor)", key: tenant.key)
            #expect(page2.data.arrayValue?.compactMap { $0["id"]?.stringValue } == Array(ids[2..<4]))
            let cursor2 = try #require(page2.json["next_cursor"]?.stringValue)
            let page3 = try await app.request(.get, "/v1/agents?limit=2&cursor=\(cursor2)", key: tenant.key)
            #expect(page3.data.arrayValue?.compactMap { $0["id"]?.stringValue } == [ids[4]])
            #expect(page3.json["next_cursor"] == nil)
            #expect(try await app.request(.get, "/v1/agents", key: tenant.key).data.arrayValue?.count == 5)
            #expect(try await app.request(.get, "/v1/agents?limit=0", key: tenant.key).status == .badRequest)
            #expect(try await app.request(.get, "/v1/agents?limit=x", key: tenant.key).status == .badRequest)
            #expect(try await app.request(.get, "/v1/agents?limit=2&cursor=%%%", key: tenant.key).status == .badRequest)
        }
    }

    @Test(arguments: TestBackend.available)
    func anotherOrgsAgentIsNotFoundEverywhere(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let owner = try await app.tenant()
            let intruder = try await app.tenant()
            let id = try await app.createAgent(owner, ["name": "secret", "did": .string(exampleDIDKey)])
            let attempts = [
                try await app.request(.get, "/v1/agents/\(id)", key: intruder.key),
                try await app.request(.get, "/v1/agents/\(exampleDIDKey)", key: intruder.key),
                try await app.request(.put, "/v1/agents/\(id)", key: intruder.key, json: ["name": "mine"]),
                try await app.request(.delete, "/v1/agents/\(id)", key: intruder.key),
                try await app.request(.post, "/v1/agents/\(id)/disable", key: intruder.key),
                try await app.request(.post, "/v1/agents/\(id)/enable", key: intruder.key),
                try await app.request(.patch, "/v1/sdk/agents/\(id)/identity", key: intruder.key, json: ["did": .string(exampleDIDKey)]),
            ]
            for response in attempts {
                #expect(response.status == .notFound)
                #expect(response.errorCode == "agent_not_found")
            }
            #expect(try await app.request(.get, "/v1/agents", key: intruder.key).data == [])
            let untouched = try await app.request(.get, "/v1/agents/\(id)", key: owner.key)
            #expect(untouched.data["name"] == "secret" && untouched.data["status"] == "active")
        }
    }

    @Test(arguments: TestBackend.available)
    func pathAcceptsUUIDAndDIDForms(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let id = try await app.createAgent(tenant, ["name": "k", "did": .string(exampleDIDKey)])
            let encoded = exampleDIDKey.replacingOccurrences(of: ":", with: "%3A")
            for reference in [id, id.uppercased(), exampleDIDKey, encoded] {
                let response = try await app.request(.get, "/v1/agents/\(reference)", key: tenant.key)
                #expect(response.status == .ok, "reference \(reference)")
                #expect(response.data["id"] == .string(id))
            }
            // Our own registry did:web (host registry.test.example) resolves too.
            let registryDID = "did:web:registry.test.example:agents:\(id)"
            #expect(try await app.request(.get, "/v1/agents/\(registryDID)", key: tenant.key).data["id"] == .string(id))
            for missing in ["00000000-0000-0000-0000-000000000000", "not-a-uuid", "did:key:z6MkUnknown"] {
                #expect(try await app.request(.get, "/v1/agents/\(missing)", key: tenant.key).status == .notFound)
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func badInputIsRejectedWith400(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let privateJWK: JSONValue = ["kty": "OKP", "crv": "Ed25519", "x": .string(exampleX), "d": "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"]
            let cases: [(JSONValue, String)] = [
                ([:], "invalid_request"),
                (["name": ""], "invalid_request"),
                (["name": 7], "invalid_request"),
                (["name": .string(String(repeating: "n", count: 201))], "invalid_request"),
                (["name": "x", "domain": "https://example.com/path"], "invalid_request"),
                (["name": "x", "domain": "exa mple.com"], "invalid_request"),
                (["name": "x", "did": "not-a-did"], "invalid_did"),
                (["name": "x", "did": "did:key:zNotBase58!!"], "invalid_did"),
                (["name": "x", "publicKey": privateJWK], "invalid_public_key"),
                (["name": "x", "publicKey": ["kty": "EC", "crv": "P-256", "x": "abc"]], "invalid_public_key"),
                (["name": "x", "publicKey": "{not json"], "invalid_public_key"),
                (["name": "x", "publicKey": 12], "invalid_public_key"),
                (["name": "x", "did": .string(exampleDIDKey), "publicKey": ["kty": "OKP", "crv": "Ed25519", "x": .string(otherX)]], "invalid_public_key"),
                (["name": "x", "agentCard": "card"], "invalid_request"),
                (["name": "x", "status": "deleted"], "invalid_request"),
            ]
            for (body, code) in cases {
                let response = try await app.request(.post, "/v1/agents", key: tenant.key, json: body)
                #expect(response.status == .badRequest, "\(body)")
                #expect(response.errorCode == code, "\(body)")
            }
            #expect(try await app.request(.post, "/v1/agents", key: tenant.key, rawBody: "{").errorCode == "invalid_json")
            #expect(try await app.request(.get, "/v1/agents", key: tenant.key).data == [])
        }
    }

    @Test(arguments: TestBackend.available)
    func publicKeyAcceptedAsStringOrObject(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let jwk: JSONValue = ["kty": "OKP", "crv": "Ed25519", "x": .string(exampleX), "kid": "key-1", "use": "sig"]
            let asString = String(decoding: jwk.serialized(), as: UTF8.self)
            for body: JSONValue in [["name": "a", "publicKey": jwk], ["name": "b", "public_key": .string(asString)]] {
                let response = try await app.request(.post, "/v1/agents", key: tenant.key, json: body)
                #expect(response.status == .created)
                let stored = try #require(response.data["publicKey"]?.stringValue)
                #expect(try JSONValue.parse(Array(stored.utf8)) == ["crv": "Ed25519", "kty": "OKP", "x": .string(exampleX)])
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func aDIDBindsToOneAgent(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let a = try await app.tenant()
            let b = try await app.tenant()
            _ = try await app.createAgent(a, ["name": "first", "did": .string(exampleDIDKey)])
            let clash = try await app.request(.post, "/v1/agents", key: b.key, json: ["name": "second", "did": .string(exampleDIDKey)])
            #expect(clash.status == .conflict)
            #expect(clash.errorCode == "did_in_use")
        }
    }

    @Test(arguments: TestBackend.available)
    func identityRegistrationIsWriteOnce(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let id = try await app.createAgent(tenant)
            let path = "/v1/sdk/agents/\(id)/identity"
            let first = try await app.request(.patch, path, key: tenant.key, json: ["did": .string(exampleDIDKey)])
            #expect(first.status == .ok)
            #expect(first.data["did"] == .string(exampleDIDKey))
            let same = try await app.request(.patch, path, key: tenant.key, json: ["did": .string(exampleDIDKey)])
            #expect(same.status == .ok)
            let other = DIDKey.did(for: try PublicJWK(json: ["kty": "OKP", "crv": "Ed25519", "x": .string(otherX)]))
            let different = try await app.request(.patch, path, key: tenant.key, json: ["did": .string(other)])
            #expect(different.status == .conflict)
            #expect(different.errorCode == "identity_immutable")
            // Same for a PUT that tries to change the DID.
            let put = try await app.request(.put, "/v1/sdk/agents/\(id)", key: tenant.key, json: ["did": .string(other)])
            #expect(put.errorCode == "identity_immutable")

            // Another agent cannot take a bound DID.
            let second = try await app.createAgent(tenant)
            let taken = try await app.request(.patch, "/v1/agents/\(second)/identity", key: tenant.key, json: ["did": .string(exampleDIDKey)])
            #expect(taken.status == .conflict)
            #expect(taken.errorCode == "did_in_use")
            #expect(try await app.request(.patch, "/v1/agents/\(second)/identity", key: tenant.key, json: ["did": "nope"]).status == .badRequest)
            #expect(try await app.request(.patch, "/v1/agents/\(second)/identity", key: tenant.key, json: [:]).status == .badRequest)
        }
    }

    @Test(arguments: TestBackend.available)
    func identityWithRegistryDIDAndKeyAsThePythonSDKSendsIt(backend: TestBackend) async throws {
        try await TestApp.run(backend, configure: { $0.issuerURL = "http://localhost:8080" }) { app in
            let tenant = try await app.tenant()
            let id = try await app.createAgent(tenant)
            let jwk = String(decoding: (["kty": "OKP", "crv": "Ed25519", "x": .string(exampleX)] as JSONValue).serialized(), as: UTF8.self)
            // The SDK writes the port raw: did:web:localhost:8080:agents:<id>.
            let response = try await app.request(.patch, "/v1/sdk/agents/\(id)/identity", key: tenant.key, json: [
                "did": .string("did:web:localhost:8080:agents:\(id)"), "publicKey": .string(jwk),
            ])
            #expect(response.status == .ok)
            #expect(response.data["publicKey"] != .null)
            // Naming another agent's registry DID is refused.
            let other = try await app.createAgent(tenant)
            let wrong = try await app.request(.patch, "/v1/sdk/agents/\(other)/identity", key: tenant.key, json: [
                "did": .string("did:web:localhost%3A8080:agents:\(id)"),
            ])
            #expect(wrong.status == .badRequest)
        }
    }
}
