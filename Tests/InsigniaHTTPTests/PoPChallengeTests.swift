import BadgeCore
import Foundation
import InsigniaHTTP
import Registry
import StoreConformance
import Testing

@Suite struct PoPChallengeTests {
    @Test(arguments: TestBackend.available, [false, true])
    func challengeCarriesBothSpellings(backend: TestBackend, sdk: Bool) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let keys = AgentKeys()
            _ = try await app.popAgent(tenant, did: keys.did)
            let response = try await app.challenge(tenant, did: keys.did, ["badge_aud": "https://api.partner.example"], sdk: sdk)
            #expect(response.status == .ok)
            let c = response.json
            #expect(c["success"] == nil && c["data"] == nil)
            let id = try #require(c["challenge_id"]?.stringValue)
            #expect(id.hasPrefix("ch-") && UUID(uuidString: String(id.dropFirst(3))) != nil)
            #expect(c["nonce"]?.stringValue?.count == 43 && Base64URL.decode(c["nonce"]!.stringValue!)?.count == 32)
            #expect(c["aud"] == "https://registry.test.example" && c["proof_aud"] == c["aud"])
            #expect(c["expires_at"] == c["challenge_expires_at"] && c["expires_at"] != nil)
            let encoded = keys.did.replacingOccurrences(of: ":", with: "%3A")
            #expect(c["htu"] == .string("https://registry.test.example/v1/agents/\(encoded)/badge/pop"))
            #expect(c["htm"] == "POST")
            #expect(c["badge_aud"] == ["https://api.partner.example"])
            #expect(c["badge_ttl"] == 300)
        }
    }

    @Test(arguments: TestBackend.available)
    func challengeTTLsAreClamped(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let keys = AgentKeys()
            _ = try await app.popAgent(tenant, did: keys.did)
            let short = try await app.challenge(tenant, did: keys.did, ["challenge_ttl": 10, "badge_ttl": 5]).json
            let now = app.clock.now()
            #expect(Timestamp.parse(short["expires_at"]!.stringValue!) == now + 90)
            #expect(short["badge_ttl"] == 60)
            let long = try await app.challenge(tenant, did: keys.did, ["challenge_ttl": 86_400, "ttl": 99_999]).json
            #expect(Timestamp.parse(long["expires_at"]!.stringValue!) == now + 600)
            #expect(long["badge_ttl"] == 3600)
        }
    }

    @Test(arguments: TestBackend.available)
    func challengeRefusals(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let other = try await app.tenant()
            let keys = AgentKeys()
            let agentID = try await app.popAgent(tenant, did: keys.did)
            for bad in ["not-a-did", "did:example:123", "did:key:zNotAKey"] {
                let response = try await app.challenge(tenant, did: bad)
                #expect(response.status == .badRequest && response.errorCode == "invalid_did", "\(bad)")
            }
            let unknown = try await app.challenge(tenant, did: AgentKeys().did)
            #expect(unknown.status == .notFound && unknown.errorCode == "agent_not_found")
            let foreign = try await app.challenge(other, did: keys.did)
            #expect(foreign.status == .forbidden && foreign.errorCode == "agent_not_owned")
            #expect(try await app.request(.post, "/v1/agents/\(keys.did)/badge/challenge", json: [:]).status == .unauthorized)
            _ = try await app.request(.post, "/v1/agents/\(agentID)/disable", key: tenant.key)
            #expect(try await app.challenge(tenant, did: keys.did).errorCode == "agent_disabled")
            // Our own registry did:web needs a key to publish.
            let keyless = try await app.createAgent(tenant, ["name": "keyless"])
            let registryDID = "did:web:registry.test.example:agents:\(keyless)"
            let missing = try await app.challenge(tenant, did: registryDID)
            #expect(missing.status == .conflict && missing.errorCode == "agent_key_missing")
        }
    }

    @Test(arguments: TestBackend.available)
    func challengesAreRateLimitedPerDID(backend: TestBackend) async throws {
        try await TestApp.run(backend, configure: { $0.popPolicy.challengesPerDID = RateLimit(limit: 2, windowSeconds: 300) }) { app in
            let tenant = try await app.tenant()
            let keys = AgentKeys()
            _ = try await app.popAgent(tenant, did: keys.did)
            #expect(try await app.challenge(tenant, did: keys.did).status == .ok)
            #expect(try await app.challenge(tenant, did: keys.did).status == .ok)
            let limited = try await app.challenge(tenant, did: keys.did)
            #expect(limited.status == .tooManyRequests && limited.errorCode == "rate_limit_exceeded")
            #expect(limited.headers[.retryAfter] != nil)
            app.clock.advance(300)
            #expect(try await app.challenge(tenant, did: keys.did).status == .ok)
        }
    }
}
