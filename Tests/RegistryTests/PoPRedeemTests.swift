import BadgeCore
import Foundation
import MemoryStore
import Registry
import Testing

/// `PoPService.redeem` (RFC-003 phase 2) on the in-memory store.
@Suite struct PoPRedeemTests {
    @Test(arguments: redeemChecks)
    func everyCheckRefusesWithItsCode(check: RedeemCheck) async throws {
        let world = try await World.make()
        let fixture = try await PoPFixture.make(world)
        await expectError(check.code, kind: check.kind) { try await check.run(fixture) }
        // Every failure is audited with its code; failures on a challenge issued for the route's DID
        // count towards that DID's cooldown.
        let failures = try await world.events("pop.proof.failed")
        #expect(failures.count == 1)
        #expect(failures.last?.details?.contains(#""error":"\#(check.code)""#) == true, "\(failures)")
        #expect(failures.last?.actor == "ip:192.0.2.7")
        let now = world.clock.now()
        let counted = try await world.store.rateCount(bucket: "pop:failed:did:\(fixture.did)", windowStart: now - now % 900)
        // Steps 1–3 (no such challenge, or one for another DID) count for nobody; checks that fail
        // on another DID's route count for that DID.
        #expect(counted == (check.step <= 3 || check.step == 20 || check.step == 22 ? 0 : 1))
    }

    @Test func aValidProofGetsAKeyBoundIAL1BadgeOnChallengeTerms() async throws {
        let world = try await World.make()
        let fixture = try await PoPFixture.make(world, ChallengeRequest(badgeTTL: 600, badgeAudience: ["https://api.partner.example"]))
        let issued = try await fixture.redeem(try await fixture.proof())
        let claims = issued.claims
        #expect(claims.sub == fixture.did && claims.ial == "1" && claims.iss == World.origin)
        #expect(claims.key == fixture.keys.key.publicKey && claims.cnfKID == fixture.keys.kid)
        #expect(claims.popChallengeID == fixture.challenge.id)
        #expect(claims.aud == ["https://api.partner.example"] && claims.exp - claims.iat == 600 && claims.iat == world.clock.now())
        #expect(claims.level == .registered && claims.domain == "pop.example.com")
        #expect(try CompactJWS.parse(issued.token).payload == claims.json)

        let stored = try await world.store.challenge(id: fixture.challenge.id)
        #expect(stored?.used == true && stored?.usedAt == world.clock.now() && stored?.issuedBadgeJTI == claims.jti)
        let record = try #require(try await world.store.badge(jti: claims.jti))
        #expect(record.ial == "1" && record.orgID == fixture.tenant.org.id && record.agentID == fixture.agent.id && record.kid == World.caKID)
        let issuedEvents = try await world.events("badge.issued")
        #expect(issuedEvents.map(\.subject) == [claims.jti] && issuedEvents.first?.actor == "proof:\(fixture.did)")
        #expect(try await world.badges.verify(issued.token, audience: "https://api.partner.example").get().jti == claims.jti)
        #expect(try await world.events("pop.proof.failed").isEmpty)
    }

    @Test func aProofIsAcceptedUpToTheLastSecondOfItsChallenge() async throws {
        let world = try await World.make()
        let fixture = try await PoPFixture.make(world)
        world.clock.set(fixture.challenge.expiresAt - 1)
        let last = fixture.challenge.expiresAt
        let issued = try await fixture.redeem { _, payload in payload["exp"] = .int(last) }
        #expect(issued.claims.popChallengeID == fixture.challenge.id)
    }

    @Test func anAudienceArrayNamingTheIssuerIsAccepted() async throws {
        let world = try await World.make()
        let fixture = try await PoPFixture.make(world)
        try await fixture.redeem { _, payload in payload["aud"] = ["https://other.example", .string(World.origin)] }
    }

    @Test func registryDIDWebSubjectsResolveFromTheStore() async throws {
        let world = try await World.make()
        let tenant = try await world.tenant()
        let keys = AgentKeys()
        let agent = try await world.keyedAgent(tenant, key: keys.key)
        let did = world.issuer.agentDID(agent.id)
        let fixture = PoPFixture(
            world: world, tenant: tenant, keys: keys, agent: agent,
            challenge: try await world.pop.createChallenge(tenant.principal, did: did, ChallengeRequest(), clientIP: nil)
        )
        let issued = try await fixture.redeem(try await fixture.proof(did: did, kid: did + "#key-1"), did: did)
        #expect(issued.claims.sub == did && issued.claims.cnfKID == did + "#key-1")
        #expect(world.resolver.invalidated.isEmpty)
    }

    // MARK: Order: the first failing check decides

    @Test func anExpiredChallengeIsReportedBeforeAMalformedProof() async throws {
        let world = try await World.make()
        let fixture = try await PoPFixture.make(world)
        world.clock.advance(301)
        await expectError("challenge_expired") { try await fixture.redeem("not-a-jws") }
    }

    @Test func aUsedChallengeIsReportedBeforeAnyCheckOfTheProof() async throws {
        let world = try await World.make()
        let fixture = try await PoPFixture.make(world)
        try await fixture.redeem(try await fixture.proof())
        // Step 4, not the atomic consume of step 24: the proof is never looked at.
        await expectError("challenge_used") { try await fixture.redeem("not-a-jws") }
        await expectError("challenge_used") { try await fixture.redeem(try await fixture.proof(keys: AgentKeys(), did: fixture.did, kid: fixture.keys.kid)) }
    }

    @Test func aWrongCidIsReportedBeforeAWrongNonceAndAud() async throws {
        let world = try await World.make()
        let fixture = try await PoPFixture.make(world)
        await expectError("cid_mismatch") {
            try await fixture.redeem { _, payload in
                payload["cid"] = "ch-00000000-0000-0000-0000-000000000000"
                payload["nonce"] = "wrong"
                payload["aud"] = "wrong"
            }
        }
    }

    @Test func aWrongAudIsReportedBeforeAWrongHtuAndHtm() async throws {
        let world = try await World.make()
        let fixture = try await PoPFixture.make(world)
        await expectError("audience_mismatch") {
            try await fixture.redeem { _, payload in payload["aud"] = "x"; payload["htu"] = "x"; payload["htm"] = "GET" }
        }
    }

    @Test func aBadIatIsReportedBeforeAMissingExpAndAForeignSub() async throws {
        let world = try await World.make()
        let fixture = try await PoPFixture.make(world)
        let now = world.clock.now()
        await expectError("iat_invalid") {
            try await fixture.redeem { _, payload in payload["iat"] = .int(now + 3600); payload["exp"] = nil; payload["sub"] = "did:key:x" }
        }
    }

    @Test func aForeignSubIsReportedBeforeAnUnknownKidAndABadSignature() async throws {
        let world = try await World.make()
        let fixture = try await PoPFixture.make(world)
        await expectError("subject_mismatch") {
            try await fixture.redeem(try await fixture.proof(keys: AgentKeys(), did: AgentKeys().did, kid: "did:key:nope#1"))
        }
    }

    @Test func aBadSignatureDoesNotBurnTheProofJTI() async throws {
        let world = try await World.make()
        let fixture = try await PoPFixture.make(world)
        let jti = UUID().uuidString
        await expectError("proof_verification_failed") {
            try await fixture.redeem(try await fixture.proof(keys: AgentKeys(), did: fixture.did, kid: fixture.keys.kid) { _, payload in
                payload["jti"] = .string(jti)
            })
        }
        // The replay check comes after the signature: the jti was not remembered, nor the challenge used.
        let issued = try await fixture.redeem { _, payload in payload["jti"] = .string(jti) }
        #expect(issued.claims.popChallengeID == fixture.challenge.id)
    }

    // MARK: Single use

    @Test func concurrentProofsForOneChallengeYieldExactlyOneBadge() async throws {
        var policy = PoPPolicy()
        // Lift the per-DID throttle and the cooldown: every submission reaches the checks.
        policy.proofsPerDID = .perMinute(100)
        policy.failedProofsPerDID = RateLimit(limit: 100, windowSeconds: 900)
        let world = try await World.make(popPolicy: policy)
        let fixture = try await PoPFixture.make(world)
        var proofs: [String] = []
        for _ in 0..<8 { proofs.append(try await fixture.proof()) }
        let outcomes = await withTaskGroup(of: String.self) { group in
            for proof in proofs {
                group.addTask {
                    do {
                        try await fixture.redeem(proof)
                        return "issued"
                    } catch {
                        return (error as? RegistryError)?.code.rawValue ?? "\(error)"
                    }
                }
            }
            return await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == "issued" }.count == 1, "\(outcomes)")
        #expect(outcomes.filter { $0 == "challenge_used" }.count == 7, "\(outcomes)")
        #expect(try await world.events("badge.issued").count == 1)
    }

    @Test func anAgentDisabledAfterPhaseOneGetsNoBadge() async throws {
        let world = try await World.make()
        let fixture = try await PoPFixture.make(world)
        _ = try await world.agents.disable(fixture.tenant.principal, fixture.agent.id, reason: "compromised")
        await expectError("agent_disabled", kind: .forbidden) { try await fixture.redeem(try await fixture.proof()) }
        #expect(try await world.events("badge.issued").isEmpty)
        #expect(try await world.store.challenge(id: fixture.challenge.id)?.issuedBadgeJTI == nil)
    }

    // MARK: Throttles and cooldown

    @Test func failedProofsOnItsChallengesPutTheDIDsProofsInCooldownUntilTheWindowEnds() async throws {
        let world = try await World.make()
        let fixture = try await PoPFixture.make(world)
        for _ in 0..<4 {
            await expectError("invalid_proof") { try await fixture.redeem { _, payload in payload["nonce"] = "wrong" } }
        }
        let later = try await world.pop.createChallenge(fixture.tenant.principal, did: fixture.did, ChallengeRequest(), clientIP: nil)
        await expectError("invalid_proof") { try await fixture.redeem { _, payload in payload["nonce"] = "wrong" } }
        // Five failures: proofs for the DID are refused until the window ends, even a good one…
        let windowEnd = TestClock.start + 900
        let status = await expectRateLimited {
            try await fixture.redeem(try await fixture.proof(for: later), challengeID: later.id)
        }
        #expect(Standing(status) == Standing(limit: 5, remaining: 0, resetAt: windowEnd, retryAfter: 900))
        // …but the owner may still ask for challenges, and the refusal is not a failure.
        let fresh = try await world.pop.createChallenge(fixture.tenant.principal, did: fixture.did, ChallengeRequest(), clientIP: nil)
        let now = world.clock.now()
        #expect(try await world.store.rateCount(bucket: "pop:failed:did:\(fixture.did)", windowStart: now - now % 900) == 5)
        // Another DID of the same organisation is not affected.
        let other = AgentKeys()
        _ = try await world.agent(fixture.tenant, did: other.did)
        let otherChallenge = try await world.pop.createChallenge(fixture.tenant.principal, did: other.did, ChallengeRequest(), clientIP: nil)
        try await fixture.redeem(try await fixture.proof(for: otherChallenge, keys: other), challengeID: otherChallenge.id, did: other.did)
        world.clock.set(windowEnd - 1)
        await expectRateLimited { try await fixture.redeem(try await fixture.proof(for: fresh), challengeID: fresh.id) }
        world.clock.set(windowEnd)
        let next = try await world.pop.createChallenge(fixture.tenant.principal, did: fixture.did, ChallengeRequest(), clientIP: nil)
        let issued = try await fixture.redeem(try await fixture.proof(for: next), challengeID: next.id)
        #expect(issued.claims.popChallengeID == next.id)
    }

    @Test func madeUpOrForeignChallengesNeitherCoolTheDIDDownNorSpendItsBudget() async throws {
        var policy = PoPPolicy()
        policy.proofsPerDID = .perMinute(3)
        let world = try await World.make(popPolicy: policy)
        let fixture = try await PoPFixture.make(world)
        // Anonymous submissions with made-up ids, malformed ids and another DID's challenge.
        for _ in 0..<20 {
            await expectError("challenge_not_found") { try await fixture.redeem("x", challengeID: "ch-\(UUID().uuidString.lowercased())") }
            await expectError("invalid_challenge_id") { try await fixture.redeem("x", challengeID: "bad") }
        }
        let other = AgentKeys()
        _ = try await world.agent(fixture.tenant, did: other.did)
        let foreign = try await world.pop.createChallenge(fixture.tenant.principal, did: other.did, ChallengeRequest(), clientIP: nil)
        for _ in 0..<6 {
            await expectError("subject_mismatch") { try await fixture.redeem("x", challengeID: foreign.id) }
        }
        let now = world.clock.now()
        #expect(try await world.store.rateCount(bucket: "pop:failed:did:\(fixture.did)", windowStart: now - now % 900) == 0)
        #expect(try await world.store.rateCount(bucket: "pop:failed:did:\(other.did)", windowStart: now - now % 900) == 0)
        // The owner's next challenge and proof go through.
        let challenge = try await world.pop.createChallenge(fixture.tenant.principal, did: fixture.did, ChallengeRequest(), clientIP: nil)
        let issued = try await fixture.redeem(try await fixture.proof(for: challenge), challengeID: challenge.id)
        #expect(issued.claims.popChallengeID == challenge.id)
    }

    @Test func proofsOnItsChallengesAreThrottledPerDIDAndThrottlingIsNotAFailure() async throws {
        var policy = PoPPolicy()
        policy.proofsPerDID = .perMinute(3)
        let world = try await World.make(popPolicy: policy)
        let fixture = try await PoPFixture.make(world)
        for _ in 0..<3 {
            await expectError("invalid_proof") { try await fixture.redeem { _, payload in payload["htm"] = "GET" } }
        }
        let status = await expectRateLimited { try await fixture.redeem(try await fixture.proof()) }
        #expect(status?.limit == 3 && status?.remaining == 0 && status?.resetAt == TestClock.start + 60)
        #expect(try await world.store.challenge(id: fixture.challenge.id)?.used == false)
        let now = world.clock.now()
        #expect(try await world.store.rateCount(bucket: "pop:failed:did:\(fixture.did)", windowStart: now - now % 900) == 3)
        #expect(try await world.events("pop.proof.failed").count == 3)
        world.clock.advance(60)
        try await fixture.redeem(try await fixture.proof())
    }

    @Test func proofsAreThrottledPerChallengeAccount() async throws {
        var policy = PoPPolicy()
        policy.proofsPerAccount = .perMinute(2)
        let world = try await World.make(popPolicy: policy)
        let fixture = try await PoPFixture.make(world)
        for _ in 0..<2 {
            await expectError("invalid_proof") { try await fixture.redeem { _, payload in payload["htm"] = "GET" } }
        }
        // A second agent of the same organisation shares the account's budget.
        let other = AgentKeys()
        _ = try await world.agent(fixture.tenant, did: other.did)
        let challenge = try await world.pop.createChallenge(fixture.tenant.principal, did: other.did, ChallengeRequest(), clientIP: nil)
        await expectRateLimited {
            try await fixture.redeem(try await fixture.proof(for: challenge, keys: other), challengeID: challenge.id, did: other.did)
        }
    }

    @Test func keyFailuresForgetTheCachedRemoteDocumentAndOtherFailuresDoNot() async throws {
        let world = try await World.make()
        let fixture = try await PoPFixture.make(world)
        let did = RemoteDIDs.assertionOnly
        let keys = AgentKeys()
        world.resolver.serve(RemoteDIDs.assertionOnlyDocument(keys))
        _ = try await world.agent(fixture.tenant, did: did)
        let challenge = try await world.pop.createChallenge(fixture.tenant.principal, did: did, ChallengeRequest(), clientIP: nil)
        await expectError("htu_mismatch") {
            try await fixture.redeem(try await fixture.proof(for: challenge, keys: keys, did: did, kid: did + "#assert") { _, payload in
                payload["htu"] = "https://x.example"
            }, challengeID: challenge.id, did: did)
        }
        #expect(world.resolver.invalidated.isEmpty)
        await expectError("key_not_in_authentication") {
            try await fixture.redeem(try await fixture.proof(for: challenge, keys: keys, did: did, kid: did + "#assert"), challengeID: challenge.id, did: did)
        }
        #expect(world.resolver.invalidated == [did])
    }
}
