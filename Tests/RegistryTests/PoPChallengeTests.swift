import BadgeCore
import Foundation
import MemoryStore
import Registry
import Testing

/// `PoPService.createChallenge` (RFC-003 phase 1) on the in-memory store.
@Suite struct PoPChallengeTests {
    @Test func aChallengeCarriesFreshNonceIssuerAudienceAndEncodedHtu() async throws {
        let world = try await World.make()
        let fixture = try await PoPFixture.make(world, ChallengeRequest(badgeAudience: ["https://api.partner.example"]))
        let challenge = fixture.challenge
        #expect(challenge.id.hasPrefix("ch-") && UUID(uuidString: String(challenge.id.dropFirst(3))) != nil)
        #expect(challenge.id == challenge.id.lowercased())
        #expect(challenge.nonce.count == 43 && Base64URL.decode(challenge.nonce)?.count == 32)
        #expect(challenge.proofAudience == World.origin)
        let encoded = fixture.did.replacingOccurrences(of: ":", with: "%3A")
        #expect(challenge.htu == "\(World.origin)/v1/agents/\(encoded)/badge/pop")
        #expect(challenge.did == fixture.did && challenge.agentID == fixture.agent.id && challenge.orgID == fixture.tenant.org.id)
        #expect(challenge.createdAt == TestClock.start && challenge.expiresAt == TestClock.start + 300 && challenge.badgeTTL == 300)
        #expect(challenge.badgeAudience == ["https://api.partner.example"] && challenge.clientIP == "192.0.2.7")
        #expect(!challenge.used && challenge.issuedBadgeJTI == nil)
        #expect(try await world.store.challenge(id: challenge.id) == challenge)
        let events = try await world.events("pop.challenge.created")
        #expect(events.map(\.subject) == [challenge.id] && events.first?.agentID == fixture.agent.id)
        #expect(events.first?.actor == "apikey:\(fixture.tenant.key.id)")
        // Every challenge has its own nonce.
        let second = try await world.pop.createChallenge(fixture.tenant.principal, did: fixture.did, ChallengeRequest(), clientIP: nil)
        #expect(second.nonce != challenge.nonce && second.id != challenge.id && second.badgeAudience.isEmpty)
    }

    @Test func bytesOutsideTheUnreservedSetArePercentEncodedUpperCase() async throws {
        let world = try await World.make()
        let tenant = try await world.tenant()
        let did = "did:web:partner.example%3A8443:agents:a_b.c-d"
        _ = try await world.agent(tenant, did: did)
        let challenge = try await world.pop.createChallenge(tenant.principal, did: did, ChallengeRequest(), clientIP: nil)
        #expect(challenge.htu == "\(World.origin)/v1/agents/did%3Aweb%3Apartner.example%253A8443%3Aagents%3Aa_b.c-d/badge/pop")
    }

    @Test func ttlsAreClampedIntoTheirBounds() async throws {
        let world = try await World.make()
        let fixture = try await PoPFixture.make(world)
        let now = world.clock.now()
        let short = try await world.pop.createChallenge(fixture.tenant.principal, did: fixture.did, ChallengeRequest(badgeTTL: 5, challengeTTL: 10), clientIP: nil)
        #expect(short.expiresAt == now + 90 && short.badgeTTL == 60)
        let long = try await world.pop.createChallenge(fixture.tenant.principal, did: fixture.did, ChallengeRequest(badgeTTL: 99_999, challengeTTL: 86_400), clientIP: nil)
        #expect(long.expiresAt == now + 600 && long.badgeTTL == 3600)
        let exact = try await world.pop.createChallenge(fixture.tenant.principal, did: fixture.did, ChallengeRequest(badgeTTL: 1234, challengeTTL: 123), clientIP: nil)
        #expect(exact.expiresAt == now + 123 && exact.badgeTTL == 1234)
        for request in [ChallengeRequest(badgeTTL: 0), ChallengeRequest(challengeTTL: -5)] {
            await expectError("invalid_request", kind: .invalidInput) {
                _ = try await world.pop.createChallenge(fixture.tenant.principal, did: fixture.did, request, clientIP: nil)
            }
        }
    }

    @Test(arguments: ["not-a-did", "did:example:123", "did:key:zNotAKey", "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2do"])
    func malformedDIDsAreRefused(did: String) async throws {
        let world = try await World.make()
        let tenant = try await world.tenant()
        await expectError("invalid_did", kind: .invalidInput) {
            _ = try await world.pop.createChallenge(tenant.principal, did: did, ChallengeRequest(), clientIP: nil)
        }
        #expect(try await world.events("pop.challenge.created").isEmpty)
    }

    @Test func unknownForeignDisabledAndKeylessAgentsAreRefused() async throws {
        let world = try await World.make()
        let fixture = try await PoPFixture.make(world)
        let tenant = fixture.tenant
        await expectError("agent_not_found", kind: .notFound) {
            _ = try await world.pop.createChallenge(tenant.principal, did: AgentKeys().did, ChallengeRequest(), clientIP: nil)
        }
        let other = try await world.tenant()
        await expectError("agent_not_owned", kind: .forbidden) {
            _ = try await world.pop.createChallenge(other.principal, did: fixture.did, ChallengeRequest(), clientIP: nil)
        }
        _ = try await world.agents.disable(tenant.principal, fixture.agent.id, reason: nil)
        await expectError("agent_disabled", kind: .forbidden) {
            _ = try await world.pop.createChallenge(tenant.principal, did: fixture.did, ChallengeRequest(), clientIP: nil)
        }
        // Our own registry did:web publishes the agent's key, so it needs one.
        var input = AgentInput()
        input.name = "keyless"
        let keyless = try await world.agents.create(tenant.principal, input)
        await expectError("agent_key_missing", kind: .conflict) {
            _ = try await world.pop.createChallenge(tenant.principal, did: world.issuer.agentDID(keyless.id), ChallengeRequest(), clientIP: nil)
        }
        #expect(try await world.events("pop.challenge.created").count == 1)
    }

    @Test func challengesAreLimitedPerDIDPerWindow() async throws {
        var policy = PoPPolicy()
        policy.challengesPerDID = RateLimit(limit: 2, windowSeconds: 300)
        let world = try await World.make(popPolicy: policy)
        let fixture = try await PoPFixture.make(world)  // the first
        let create = { @Sendable in
            _ = try await world.pop.createChallenge(fixture.tenant.principal, did: fixture.did, ChallengeRequest(), clientIP: nil)
        }
        try await create()
        let status = await expectRateLimited { try await create() }
        #expect(Standing(status) == Standing(limit: 2, remaining: 0, resetAt: TestClock.start + 300, retryAfter: 300))
        // Another DID has its own budget.
        let other = AgentKeys()
        _ = try await world.agent(fixture.tenant, did: other.did)
        _ = try await world.pop.createChallenge(fixture.tenant.principal, did: other.did, ChallengeRequest(), clientIP: nil)
        world.clock.set(TestClock.start + 299)
        let last = await expectRateLimited { try await create() }
        #expect(last?.retryAfter == 1)
        world.clock.set(TestClock.start + 300)
        try await create()
    }
}
