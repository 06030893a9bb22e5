import Foundation
import BadgeCore
import CAKeys
import Registry
import StoreConformance
import Testing

extension TestApp {
    /// An agent with a did:key (and so a key), returning its id.
    func keyedAgent(_ tenant: TestTenant, domain: String? = "agent.example.com") async throws -> String {
        var body: [String: JSONValue] = ["name": "keyed", "did": .string(DIDKey.did(for: try PublicJWK(json: ["kty": "OKP", "crv": "Ed25519", "x": .string(randomX())])))]
        if let domain { body["domain"] = .string(domain) }
        return try await createAgent(tenant, .object(body))
    }

    /// Issues a badge and returns the response.
    func issue(_ tenant: TestTenant, _ agentID: String, _ body: JSONValue? = nil, sdk: Bool = false) async throws -> TestResult {
        try await request(.post, "\(sdk ? "/v1/sdk/agents" : "/v1/agents")/\(agentID)/badge", key: tenant.key, json: body)
    }

    func validate(_ token: String, audience: String? = nil) async throws -> JSONValue {
        var body: [String: JSONValue] = ["token": .string(token)]
        if let audience { body["audience"] = .string(audience) }
        let response = try await request(.post, "/v1/validate", json: .object(body))
        #expect(response.status == .ok)
        return response.data
    }
}

/// A fresh random Ed25519 public key as JWK `x`.
func randomX() -> String {
    PrivateJWK.generate(kid: "k").publicKey.json["x"]!.stringValue!
}

@Suite struct BadgeIssuanceTests {
    @Test(arguments: TestBackend.available, [false, true])
    func issuesAVerifiableLevel1Badge(backend: TestBackend, sdk: Bool) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let agentID = try await app.keyedAgent(tenant)
            let agent = try await app.request(.get, "/v1/agents/\(agentID)", key: tenant.key).data
            let response = try await app.issue(tenant, agentID, sdk: sdk)
            #expect(response.status == .ok)
            #expect(response.json["success"] == true)
            let token = try #require(response.data["token"]?.stringValue)
            #expect(response.json["badge"] == .string(token))
            #expect(response.data["badge"] == .string(token))
            for key in ["jti", "expires_at"] { #expect(response.json[key] != nil) }
            let data = response.data
            #expect(data["subject"] == .string("did:web:registry.test.example:agents:\(agentID)"))
            #expect(data["issuer"] == "https://registry.test.example")
            #expect(data["trustLevel"] == "1" && data["trust_level"] == "1")
            #expect(data["ial"] == "0" && data["assurance_level"] == "IAL-0")
            #expect(data["expiresAt"] == data["expires_at"] && data["issuedAt"] == data["issued_at"])

            // The JWS verifies under JWKS keys[0], whose kid the header names.
            let jwks = try await app.request(.get, "/.well-known/jwks.json").json
            let first = try #require(jwks["keys"]?.arrayValue?.first)
            let jws = try CompactJWS.parse(token)
            #expect(jws.header["kid"] == first["kid"])
            #expect(jws.header["alg"] == "EdDSA" && jws.header["typ"] == "JWT")
            #expect(jws.verify(with: try PublicJWK(json: first)))

            let claims = jws.payload
            #expect(claims["iss"] == "https://registry.test.example")
            #expect(claims["sub"] == data["subject"])
            #expect(claims["ial"] == "0")
            #expect(claims["cnf"] == nil)
            #expect(claims["aud"] == nil)
            #expect(claims["vc"]?["credentialSubject"]?["level"] == "1")
            #expect(claims["vc"]?["credentialSubject"]?["domain"] == "agent.example.com")
            #expect(claims["vc"]?["type"] == ["VerifiableCredential", "AgentIdentity"])
            #expect(claims["exp"]!.intValue! - claims["iat"]!.intValue! == 300)
            let didKey = try #require(agent["did"]?.stringValue)
            #expect(try PublicJWK(json: claims["key"]!) == DIDKey.publicKey(fromDID: didKey))
            #expect(UUIDText.isUUIDv4(claims["jti"]!.stringValue!))
        }
    }

    @Test(arguments: TestBackend.available)
    func ttlAndAudienceAliases(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let agentID = try await app.keyedAgent(tenant)
            func lifetime(_ body: JSONValue) async throws -> Int64 {
                let response = try await app.issue(tenant, agentID, body)
                #expect(response.status == .ok, "\(body)")
                let claims = try CompactJWS.parse(try #require(response.data["token"]?.stringValue)).payload
                return claims["exp"]!.intValue! - claims["iat"]!.intValue!
            }
            #expect(try await lifetime(["duration": "5m0s"]) == 300)
            #expect(try await lifetime(["duration": "1m30s"]) == 90)
            #expect(try await lifetime(["ttl": 120]) == 120)
            #expect(try await lifetime(["badge_ttl": 10]) == 60)
            #expect(try await lifetime(["ttl": 99_999]) == 3600)
            #expect(try await lifetime(["duration": "24h"]) == 3600)
            #expect(try await lifetime(["badge_ttl": 100, "ttl": 200, "duration": "5m0s"]) == 100)
            #expect(try await lifetime(["ttl": 200, "duration": "5m0s"]) == 200)
            for bad: JSONValue in [["duration": "five minutes"], ["ttl": -5], ["ttl": "soon"], ["badge_ttl": 1.5]] {
                let response = try await app.issue(tenant, agentID, bad)
                #expect(response.status == .badRequest, "\(bad)")
                #expect(response.errorCode == "invalid_ttl")
            }
            let single = try await app.issue(tenant, agentID, ["audience": "https://api.partner.example"])
            let aud1 = try CompactJWS.parse(single.data["token"]!.stringValue!).payload["aud"]
            #expect(aud1 == ["https://api.partner.example"])
            let many = try await app.issue(tenant, agentID, ["badge_aud": ["https://a.example", "https://b.example"]])
            #expect(try CompactJWS.parse(many.data["token"]!.stringValue!).payload["aud"] == ["https://a.example", "https://b.example"])
            #expect(try await app.issue(tenant, agentID, ["audience": 5]).status == .badRequest)
        }
    }

    @Test(arguments: TestBackend.available)
    func concurrentIssuancesAreAllCommitted(backend: TestBackend) async throws {
        try await TestApp.run(backend, configure: { $0.badgePolicy.issuanceRate = .perMinute(0) }) { app in
            let tenant = try await app.tenant()
            let agentID = try await app.keyedAgent(tenant)
            let jtis = try await withThrowingTaskGroup(of: String?.self) { group in
                for _ in 0..<40 { group.addTask { try await app.issue(tenant, agentID).data["jti"]?.stringValue } }
                return try await group.reduce(into: [String]()) { if let jti = $1 { $0.append(jti) } }
            }
            #expect(jtis.count == 40 && Set(jtis).count == 40)
            for jti in jtis { #expect(try await app.store.badge(jti: jti) != nil) }
            let issuedEvents = try await app.store.events(EventQuery(orgID: tenant.org.id, type: "badge.issued"))
            #expect(Set(issuedEvents.compactMap(\.subject)) == Set(jtis))
        }
    }

    @Test(arguments: TestBackend.available)
    func keyMaterialInTheRequestIsIgnored(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let agentID = try await app.keyedAgent(tenant)
            let attacker: JSONValue = ["kty": "OKP", "crv": "Ed25519", "x": .string(randomX())]
            let response = try await app.issue(tenant, agentID, ["key": attacker, "jwk": attacker, "public_key": attacker])
            let claims = try CompactJWS.parse(response.data["token"]!.stringValue!).payload
            #expect(claims["key"] != nil)
            #expect(claims["key"]?["x"] != attacker["x"])
        }
    }

    @Test(arguments: TestBackend.available)
    func levelGates(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let agentID = try await app.keyedAgent(tenant)
            let noDomain = try await app.keyedAgent(tenant, domain: nil)
            func code(_ agent: String, _ body: JSONValue) async throws -> (Int, String?) {
                let response = try await app.issue(tenant, agent, body)
                return (Int(response.status.code), response.errorCode)
            }
            #expect(try await code(agentID, ["trustLevel": "2"]) == (403, "DOMAIN_NOT_VERIFIED"))
            #expect(try await code(noDomain, ["trustLevel": "2"]) == (409, "domain_required"))
            #expect(try await code(agentID, ["trust_level": 3]) == (403, "trust_level_not_permitted"))
            #expect(try await code(agentID, ["trustLevel": "0"]) == (400, "invalid_trust_level"))
            #expect(try await code(agentID, ["trustLevel": "9"]) == (400, "invalid_trust_level"))
            #expect(try await code(agentID, ["trustLevel": "1", "domain": ""]) == (200, nil))

            _ = try await OrganizationService(store: app.store, clock: app.clock).verify(tenant.org.id, level: 3, note: "KYB passed", by: "tester")
            #expect(try await code(agentID, ["trustLevel": "3"]) == (200, nil))
            #expect(try await code(agentID, ["trustLevel": "4"]) == (403, "trust_level_not_permitted"))
            #expect(try await code(noDomain, ["trustLevel": "3"]) == (409, "domain_required"))
            _ = try await OrganizationService(store: app.store, clock: app.clock).verify(tenant.org.name, level: 4, note: "audit done", by: "tester")
            let level4 = try await app.issue(tenant, agentID, ["trustLevel": "4", "domain": "Other.Example.com"])
            #expect(level4.status == .ok)
            let subject = try CompactJWS.parse(level4.data["token"]!.stringValue!).payload["vc"]?["credentialSubject"]
            #expect(subject?["level"] == "4" && subject?["domain"] == "other.example.com")
            let events = try await app.store.events(orgID: tenant.org.id).filter { $0.type == "org.verified" }
            #expect(events.count == 2 && events.allSatisfy { $0.actor == "operator:tester" })
        }
    }

    /// Issuance serves the key and agent from recently read data; a change committed behind its
    /// back (another replica, the CLI) must still win, because the ledger transaction re-checks both.
    @Test(arguments: TestBackend.available)
    func changesCommittedElsewhereWinOverRecentlyReadData(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let agentID = try await app.keyedAgent(tenant)
            #expect(try await app.issue(tenant, agentID).status == .ok)

            var agent = try #require(try await app.store.agent(id: agentID))
            agent.domain = "moved.example.com"
            #expect(try await app.store.updateAgent(agent))
            agent.revision += 1
            let moved = try await app.issue(tenant, agentID)
            #expect(moved.status == .ok)
            let subject = try CompactJWS.parse(moved.data["token"]!.stringValue!).payload["vc"]?["credentialSubject"]
            #expect(subject?["domain"] == "moved.example.com", "the badge names the domain now stored, not the one read before")

            agent.status = .disabled
            #expect(try await app.store.updateAgent(agent))
            agent.revision += 1
            #expect(try await app.issue(tenant, agentID).errorCode == "agent_disabled")
            agent.status = .active
            #expect(try await app.store.updateAgent(agent))
            #expect(try await app.issue(tenant, agentID).status == .ok, "a refusal is not remembered either")

            let keyID = try #require(try await app.store.apiKey(hash: APIKeyService.hash(tenant.key))?.id)
            #expect(try await app.store.revokeAPIKey(id: keyID, orgID: tenant.org.id, at: app.clock.now()))
            #expect(try await app.issue(tenant, agentID).status == .unauthorized)
            let issued = try await app.store.events(orgID: tenant.org.id).filter { $0.type == "badge.issued" }
            #expect(issued.count == 3, "only the answered badges are in the ledger")
        }
    }

    @Test(arguments: TestBackend.available)
    func refusals(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let other = try await app.tenant()
            let agentID = try await app.keyedAgent(tenant)
            let keyless = try await app.createAgent(tenant, ["name": "no-key"])
            #expect(try await app.issue(tenant, keyless).errorCode == "agent_key_missing")
            #expect(try await app.issue(tenant, keyless).status == .conflict)
            #expect(try await app.issue(other, agentID).status == .notFound)
            #expect(try await app.issue(tenant, "00000000-0000-0000-0000-000000000000").errorCode == "agent_not_found")
            #expect(try await app.request(.post, "/v1/agents/\(agentID)/badge").status == .unauthorized)
            #expect(try await app.request(.post, "/v1/agents/\(agentID)/badge", key: "wrong").status == .unauthorized)
            let reader = try await app.tenant(scopes: [Scope.agentsRead])
            #expect(try await app.issue(reader, agentID).errorCode == "insufficient_scope")
            _ = try await app.request(.post, "/v1/agents/\(agentID)/disable", key: tenant.key)
            let disabled = try await app.issue(tenant, agentID)
            #expect(disabled.status == .forbidden)
            #expect(disabled.errorCode == "agent_disabled")
            #expect(try await app.issue(tenant, agentID, ["mode": "ial1"]).status == .badRequest)
            // RFC-003 §11: an unknown mode is refused, never answered with an IAL-0 badge.
            for mode: JSONValue in ["ial7", "IAL2", "", 1] {
                let refused = try await app.issue(tenant, agentID, ["mode": mode])
                #expect(refused.status == .badRequest && refused.errorCode == "invalid_mode", "mode \(mode)")
            }
            #expect(try await app.request(.post, "/v1/agents/\(agentID)/badge", key: tenant.key, rawBody: "{oops").errorCode == "invalid_json")
        }
    }

    @Test(arguments: TestBackend.available)
    func issuanceIsRateLimitedPerAgent(backend: TestBackend) async throws {
        try await TestApp.run(backend, configure: { $0.badgePolicy.issuanceRate = .perMinute(2) }) { app in
            let tenant = try await app.tenant()
            let agentID = try await app.keyedAgent(tenant)
            let other = try await app.keyedAgent(tenant)
            let first = try await app.issue(tenant, agentID)
            #expect(first.headers[.init("X-RateLimit-Limit")!] == "2")
            #expect(first.headers[.init("X-RateLimit-Remaining")!] == "1")
            #expect(try await app.issue(tenant, agentID).status == .ok)
            let limited = try await app.issue(tenant, agentID)
            #expect(limited.status == .tooManyRequests)
            #expect(limited.errorCode == "rate_limit_exceeded")
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 >= 1)
            #expect(limited.headers[.init("X-RateLimit-Remaining")!] == "0")
            #expect(try await app.issue(tenant, other).status == .ok)
            app.clock.advance(60)
            #expect(try await app.issue(tenant, agentID).status == .ok)
        }
    }

    @Test(arguments: TestBackend.available)
    func apiKeyRateLimit(backend: TestBackend) async throws {
        try await TestApp.run(backend, configure: { $0.apiRateLimit = .perMinute(3) }) { app in
            let tenant = try await app.tenant()
            for expected in ["2", "1", "0"] {
                let response = try await app.request(.get, "/v1/agents", key: tenant.key)
                #expect(response.status == .ok)
                #expect(response.headers[.init("X-RateLimit-Remaining")!] == expected)
            }
            let limited = try await app.request(.get, "/v1/agents", key: tenant.key)
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers[.retryAfter] != nil)
            // Another key has its own budget.
            #expect(try await app.request(.get, "/v1/agents", key: try await app.tenant().key).status == .ok)
        }
    }
}

extension UUIDText {
    /// Version 4, variant 10xx.
    static func isUUIDv4(_ text: String) -> Bool {
        let chars = Array(text)
        return isUUID(text) && chars.count == 36 && chars[14] == "4" && "89ab".contains(chars[19])
    }
}

enum UUIDText {
    static func isUUID(_ text: String) -> Bool { UUID(uuidString: text) != nil }
}
