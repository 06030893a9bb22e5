import BadgeCore
import Foundation
import MemoryStore
import Registry
import Testing

/// `MintService.mint`: six phases in order (CONTRACT.md §6.4), the first failure wins. Each phase
/// test breaks its phase *and every later one*, so it also proves the order.
@Suite struct MintServiceTests {
    /// A badge request whose sub is on another host (breaks phase 2 and, unresolvable, phase 4).
    static let foreignRequest: JSONValue = ["sub": "did:web:other.example.com:agents:billing"]

    // MARK: Success

    @Test func anAnonymousGrantMintsALevel2BadgeThatVerifiesAndKeepsItsSubjectLive() async throws {
        let fx = try await MintFixture.make()
        let world = fx.world
        let minted = try await fx.mint()
        let claims = minted.claims
        #expect(claims.sub == MintFixture.did && claims.iss == World.origin && claims.ial == "1")
        #expect(claims.cnfKID == MintFixture.did + "#key-1" && claims.key == fx.agent.publicKey)
        #expect(claims.level == .domainValidated && claims.domain == MintFixture.domain && claims.issuanceProfile == "anonymous_dv")
        #expect(claims.aud == ["https://partner.example"] && claims.exp - claims.iat == 600 && claims.iat == world.clock.now())
        #expect(try CompactJWS.parse(minted.token).verify(with: world.caKey.publicKey))

        let record = try #require(try await world.store.badge(jti: claims.jti))
        #expect(record.orgID == MintService.anonymousOrgID && record.agentID == nil && record.level == "2" && record.ial == "1")
        #expect(record.subject == MintFixture.did && record.audience == ["https://partner.example"] && record.kid == World.caKID)
        let events = try await world.events("badge.minted")
        #expect(events.map(\.subject) == [claims.jti] && events.first?.orgID == nil && events.first?.actor == "proof:jkt:\(fx.grant.thumbprint)")
        #expect(events.first?.details?.contains(fx.grant.jti) == true)

        #expect(try await world.mint.liveMintedSubject("billing") == MintFixture.did)
        #expect(try await world.mint.liveMintedSubject(MintFixture.did) == MintFixture.did)
        #expect(try await world.badges.verify(minted.token, audience: "https://partner.example").get().jti == claims.jti)
        world.clock.advance(600)
        #expect(try await world.mint.liveMintedSubject("billing") == nil)
    }

    @Test func aKeyedGrantMintsIntoItsOrganisationWhichCanRevoke() async throws {
        let fx = try await MintFixture.make(keyed: true)
        let world = fx.world
        let tenant = try #require(fx.tenant)
        let minted = try await fx.mint()
        #expect(try await world.store.badge(jti: minted.claims.jti)?.orgID == tenant.org.id)
        #expect(try await world.events("badge.minted", orgID: tenant.org.id).count == 1)
        _ = try await world.badges.revoke(tenant.principal, jti: minted.claims.jti, reason: "test")
        #expect(try await world.mint.liveMintedSubject("billing") == nil)
        let verdict = await world.badges.verify(minted.token, audience: nil)
        #expect(throws: BadgeVerificationError.self) { try verdict.get() }
    }

    @Test func keySelectionFallsBackToEveryMethodAndRequestFieldsAreNormalised() async throws {
        let fx = try await MintFixture.make()
        // A kid naming a method that does not verify: every method is tried.
        let viaFallback = try await fx.mint(proof: try await fx.proof(fx.agent, kid: "#key-2"), ["sub": .string(MintFixture.did), "aud": "https://one.example", "exp_seconds": 99_999])
        #expect(viaFallback.claims.cnfKID == MintFixture.did + "#key-1" && viaFallback.claims.aud == ["https://one.example"])
        #expect(viaFallback.claims.exp - viaFallback.claims.iat == 3600)
        let noKid = try await fx.mint(proof: try await fx.proof(fx.agent, kid: nil), ["sub": .string(MintFixture.did), "exp_seconds": 1])
        #expect(noKid.claims.cnfKID == MintFixture.did + "#key-1" && noKid.claims.aud == nil && noKid.claims.exp - noKid.claims.iat == 60)
        let defaults = try await fx.mint(["sub": .string(MintFixture.did), "aud": []])
        #expect(defaults.claims.exp - defaults.claims.iat == 300 && defaults.claims.aud == nil)
        // The issuer origin is accepted as the proof's aud.
        _ = try await fx.mint(proof: try await fx.proof(fx.agent) { _, payload in payload["aud"] = .string(World.origin) })
    }

    // MARK: Phase 0: per-client throttle, before anything else

    @Test func phase0ThrottlesPerClientAddressBeforeReadingTheGrant() async throws {
        var policy = DVPolicy()
        policy.mintPerClient = .perMinute(1)
        let fx = try await MintFixture.make(dvPolicy: policy)
        try await fx.mint()
        let status = await expectRateLimited("RATE_LIMIT_EXCEEDED") { try await fx.mint(grant: "not-a-jws", proof: "x", Self.foreignRequest) }
        #expect(status?.limit == 1 && status?.resetAt == TestClock.start + 60)
        try await fx.mint(clientIP: "203.0.113.51")
    }

    // MARK: Phase 1: the grant

    @Test func phase1RefusesABrokenGrantBeforeLookingAtTheRest() async throws {
        let fx = try await MintFixture.make()
        await expectError("INVALID_GRANT", kind: .invalidInput) { try await fx.mint(grant: "not-a-jws", proof: "not-a-jws", Self.foreignRequest) }
        #expect(fx.world.resolver.resolveCount == 0)
    }

    @Test func phase1ChecksEachGrantPropertyWithItsCode() async throws {
        let fx = try await MintFixture.make()
        let now = fx.world.clock.now()
        await expectError("INVALID_GRANT") { try await fx.mint(grant: "") }
        let forged = try await sign(
            try CompactJWS.parse(fx.grant.token).header.objectValue ?? [:], try CompactJWS.parse(fx.grant.token).payload.objectValue ?? [:],
            key: .generate(kid: World.caKID)
        )
        await expectError("GRANT_SIGNATURE_INVALID", kind: .unauthorized) { try await fx.mint(grant: forged) }
        let parts = fx.grant.token.split(separator: ".")
        await expectError("GRANT_SIGNATURE_INVALID") { try await fx.mint(grant: "\(parts[0]).\(parts[1]).\(Base64URL.encode([UInt8](repeating: 0, count: 64)))") }
        await expectError("GRANT_SIGNATURE_INVALID") { try await fx.mint(grant: try await fx.caSigned { header, _ in header["alg"] = "none" }) }
        await expectError("INVALID_GRANT") { try await fx.mint(grant: try await fx.caSigned { header, _ in header["typ"] = "JWT" }) }
        await expectError("GRANT_INVALID_AUD") { try await fx.mint(grant: try await fx.caSigned { _, payload in payload["aud"] = "capiscio:other" }) }
        await expectError("GRANT_MISSING_IAT") { try await fx.mint(grant: try await fx.caSigned { _, payload in payload["iat"] = nil }) }
        await expectError("GRANT_MISSING_IAT") { try await fx.mint(grant: try await fx.caSigned { _, payload in payload["iat"] = .int(now + 61) }) }
        await expectError("GRANT_EXPIRED") { try await fx.mint(grant: try await fx.caSigned { _, payload in payload["exp"] = .int(now) }) }
        await expectError("INVALID_GRANT") { try await fx.mint(grant: try await fx.caSigned { _, payload in payload["cnf"] = nil }) }
        // Signed by the CA but not the grant on record: unknown jti, or another domain or key.
        await expectError("INVALID_GRANT") { try await fx.mint(grant: try await fx.caSigned { _, payload in payload["jti"] = "grant-unknown" }) }
        await expectError("INVALID_GRANT") { try await fx.mint(grant: try await fx.caSigned { _, payload in payload["sub"] = "other.example.com" }) }
        await expectError("INVALID_GRANT") { try await fx.mint(grant: try await fx.caSigned { _, payload in payload["cnf"] = ["jkt": "x"] }) }
        #expect(fx.world.resolver.resolveCount == 0)
        #expect(try await fx.world.events("badge.minted").isEmpty)
    }

    @Test func phase1RefusesARevokedGrant() async throws {
        let fx = try await MintFixture.make()
        let path = GrantPaths.revoke(fx.grant.jti)
        _ = try await fx.world.dv.revokeGrant(jti: fx.grant.jti, try await fx.world.grantProof(fx.agent, method: "POST", path: path))
        await expectError("GRANT_REVOKED", kind: .forbidden) { try await fx.mint(proof: "x", Self.foreignRequest) }
    }

    @Test func phase1ThenThrottlesPerGrant() async throws {
        var policy = DVPolicy()
        policy.mintPerGrant = RateLimit(limit: 1, windowSeconds: 3600)
        let fx = try await MintFixture.make(dvPolicy: policy)
        try await fx.mint()
        // Refused by the grant's budget before its request is looked at; broken grants do not spend it.
        await expectRateLimited("RATE_LIMIT_EXCEEDED") { try await fx.mint(proof: "x", Self.foreignRequest) }
        fx.world.clock.advance(3600)
        try await fx.mint()
    }

    // MARK: Phase 2: the DID anchor and what the CA derives itself

    @Test func phase2RefusesASubjectOffTheGrantDomainBeforeTheProof() async throws {
        let fx = try await MintFixture.make()
        await expectError("DID_DOMAIN_MISMATCH", kind: .invalidInput) { try await fx.mint(proof: "not-a-jws", Self.foreignRequest) }
        #expect(fx.world.resolver.resolveCount == 0)
    }

    @Test(arguments: [
        "did:web:other.example.com:agents:billing", "did:web:sub.mint.example.com:agents:billing", "did:web:example.com",
        "did:web:mint.example.com%3A8443:agents:billing", "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
    ])
    func phase2AnchorsTheSubjectToExactlyTheGrantDomain(sub: String) async throws {
        let fx = try await MintFixture.make()
        await expectError("DID_DOMAIN_MISMATCH") { try await fx.mint(["sub": .string(sub)]) }
    }

    @Test func phase2RefusesMalformedRequestsAndFieldsTheCADerives() async throws {
        let fx = try await MintFixture.make()
        let requests: [JSONValue] = [
            .null, "x", [:], ["sub": ""], ["sub": 5],
            ["sub": .string(MintFixture.did), "level": "2"], ["sub": .string(MintFixture.did), "domain": "mint.example.com"],
            ["sub": .string(MintFixture.did), "issuance_profile": "x"], ["sub": .string(MintFixture.did), "aud": 5],
            ["sub": .string(MintFixture.did), "aud": ["ok", 5]], ["sub": .string(MintFixture.did), "exp_seconds": "600"],
        ]
        for request in requests {
            await expectError("INVALID_REQUEST", kind: .invalidInput) { try await fx.mint(request) }
        }
        #expect(fx.world.resolver.resolveCount == 0)
    }

    // MARK: Phase 3: proof structure and replay, before resolving anything

    @Test func phase3RefusesABadProofBeforeResolvingTheDID() async throws {
        let fx = try await MintFixture.make()
        let stranger = try await fx.proof(.generate(kid: "s")) { header, _ in header["typ"] = "JWT" }
        await expectError("POP_VERIFICATION_FAILED", kind: .unauthorized) {
            try await fx.mint(proof: stranger, ["sub": "did:web:mint.example.com:agents:missing"])
        }
        #expect(fx.world.resolver.resolveCount == 0)
    }

    @Test func phase3ChecksEachProofPropertyAndReplay() async throws {
        let fx = try await MintFixture.make()
        let now = fx.world.clock.now()
        let origin = World.origin
        let broken: [JWSEdit] = [
            { header, _ in header["typ"] = "JWT" },
            { header, _ in header["alg"] = "ES256" },
            { _, payload in payload["aud"] = "https://elsewhere.example" },
            { _, payload in payload["aud"] = nil },
            { _, payload in payload["htm"] = "GET" },
            { _, payload in payload["htu"] = .string(origin + "/v1/badges/other") },
            { _, payload in payload["iat"] = nil },
            { _, payload in payload["iat"] = .int(now + 61); payload["exp"] = .int(now + 100) },
            { _, payload in payload["iat"] = .int(now - 61); payload["exp"] = nil },
            { _, payload in payload["jti"] = nil },
            { _, payload in payload["exp"] = .int(now + 61) },
            { _, payload in payload["exp"] = .int(now) },
        ]
        for edit in broken {
            await expectError("POP_VERIFICATION_FAILED") { try await fx.mint(proof: try await fx.proof(fx.agent, edit: edit)) }
        }
        await expectError("POP_VERIFICATION_FAILED") { try await fx.mint(proof: "not-a-jws") }
        #expect(fx.world.resolver.resolveCount == 0)
        // A proof without exp is accepted while its iat is fresh.
        try await fx.mint(proof: try await fx.proof(fx.agent) { _, payload in payload["exp"] = nil })
        let once = try await fx.proof(fx.agent)
        try await fx.mint(proof: once)
        await expectError("POP_VERIFICATION_FAILED") { try await fx.mint(proof: once) }
        #expect(try await fx.world.events("badge.minted").count == 2)
    }

    // MARK: Phase 4: the DID document

    @Test func phase4ReportsAnUnresolvableDIDBeforeCheckingTheSignature() async throws {
        let fx = try await MintFixture.make()
        await expectError("DID_RESOLUTION_FAILED", kind: .badGateway) {
            try await fx.mint(proof: try await fx.proof(.generate(kid: "s")), ["sub": "did:web:mint.example.com:agents:missing"])
        }
        #expect(fx.world.resolver.resolveCount == 1)
    }

    // MARK: Phase 5: a key of the document signed the proof

    @Test func phase5RefusesAProofNoDocumentKeyVerifiesAndForgetsTheDocument() async throws {
        let fx = try await MintFixture.make()
        await expectError("POP_VERIFICATION_FAILED", kind: .unauthorized) { try await fx.mint(proof: try await fx.proof(.generate(kid: "s"))) }
        #expect(fx.world.resolver.invalidated == [MintFixture.did])
        let parts = try await fx.proof(fx.agent).split(separator: ".")
        await expectError("POP_VERIFICATION_FAILED") { try await fx.mint(proof: "\(parts[0]).\(parts[1]).\(Base64URL.encode([UInt8](repeating: 7, count: 10)))") }
    }

    // MARK: Phase 6: that key is the grant's

    @Test func phase6RefusesADocumentKeyThatIsNotTheGrantKey() async throws {
        let fx = try await MintFixture.make()
        await expectError("KEY_MISMATCH", kind: .invalidInput) { try await fx.mint(proof: try await fx.proof(fx.other, kid: "#key-2")) }
        #expect(fx.world.resolver.invalidated.isEmpty)
        #expect(try await fx.world.events("badge.minted").isEmpty)
    }

}
