import Testing
@testable import BadgeCore

/// RFC-002 §16.2 test vectors TV-001…TV-016 (CONTRACT §6.3), each built by signing with the
/// test CA so that only the property under test is wrong.
struct RFC002TestVectorTests {
    @Test("TV-001: aud that is not an array → BADGE_CLAIMS_INVALID")
    func tv001() async throws {
        let payload = Fixture.edit(Fixture.claims().json, ["aud": "https://api.example.invalid"])
        #expect(await Fixture.rejection(try await Fixture.token(payload)) == .claimsInvalid)
        let asArray = Fixture.edit(Fixture.claims().json, ["aud": ["https://api.example.invalid"]])
        #expect(await Fixture.rejection(try await Fixture.token(asArray)) == nil)
    }

    @Test("TV-002: level \"0\" with ial \"1\" → BADGE_CLAIMS_INVALID")
    func tv002() async throws {
        // Otherwise a well-formed, correctly bound IAL-1 badge from the trusted CA.
        let claims = Fixture.ial1Claims(level: .selfSigned)
        #expect(await Fixture.rejection(try await Fixture.token(claims)) == .claimsInvalid)
        #expect(await Fixture.rejection(try await Fixture.token(Fixture.ial1Claims())) == nil)
    }

    @Test("TV-003: ial \"0\" with cnf → BADGE_CLAIMS_INVALID")
    func tv003() async throws {
        var claims = Fixture.claims()
        claims.cnfKID = Fixture.agentVM
        #expect(await Fixture.rejection(try await Fixture.token(claims)) == .claimsInvalid)
    }

    @Test("TV-004: ial \"1\" without cnf → BADGE_CLAIMS_INVALID")
    func tv004() async throws {
        var claims = Fixture.ial1Claims()
        claims.cnfKID = nil
        let error = #expect(throws: BadgeVerificationError.self) { try BadgeClaims(json: claims.json) }
        #expect(error?.code == .claimsInvalid)
        #expect(await Fixture.rejection(try await Fixture.token(claims)) == .claimsInvalid)
    }

    @Test("TV-005: cnf.kid not a method of the sub's DID document → BADGE_CLAIMS_INVALID")
    func tv005() async throws {
        let resolver = FakeDIDResolver(documents: [Fixture.agentDID: try DIDKey.document(for: Fixture.agentDID)])
        let verifier = Fixture.verifier(didResolver: resolver)
        var claims = Fixture.ial1Claims()
        claims.cnfKID = Fixture.agentDID + "#key-9"
        #expect(await Fixture.rejection(try await Fixture.token(claims), verifier: verifier) == .claimsInvalid)
        #expect(await Fixture.rejection(try await Fixture.token(Fixture.ial1Claims()), verifier: verifier) == nil)
    }

    @Test("TV-006: cnf.kid key bytes differ from the key claim → BADGE_CLAIMS_INVALID")
    func tv006() async throws {
        let resolver = FakeDIDResolver(documents: [Fixture.agentDID: try DIDKey.document(for: Fixture.agentDID)])
        let verifier = Fixture.verifier(didResolver: resolver)
        var claims = Fixture.ial1Claims()
        claims.key = PrivateJWK.generate(kid: "other").publicKey
        #expect(await Fixture.rejection(try await Fixture.token(claims), verifier: verifier) == .claimsInvalid)
    }

    @Test("TV-007: revoked jti → BADGE_REVOKED")
    func tv007() async throws {
        let claims = Fixture.claims()
        let verifier = Fixture.verifier(status: FakeStatus(revoked: [claims.jti]))
        #expect(await Fixture.rejection(try await Fixture.token(claims), verifier: verifier) == .revoked)
    }

    @Test("TV-008: disabled agent → BADGE_AGENT_DISABLED")
    func tv008() async throws {
        let claims = Fixture.claims()
        let verifier = Fixture.verifier(status: FakeStatus(disabled: [claims.sub]))
        #expect(await Fixture.rejection(try await Fixture.token(claims), verifier: verifier) == .agentDisabled)
    }

    @Test("TV-009: exp in the past beyond skew → BADGE_EXPIRED")
    func tv009() async throws {
        var claims = Fixture.claims()
        claims.iat = Fixture.now - 400
        claims.exp = Fixture.now - 60
        #expect(await Fixture.rejection(try await Fixture.token(claims)) == .expired)
        claims.exp = Fixture.now - 59  // still inside the 60 s tolerance
        #expect(await Fixture.rejection(try await Fixture.token(claims)) == nil)
    }

    @Test("TV-010: untrusted iss → BADGE_ISSUER_UNTRUSTED")
    func tv010() async throws {
        var claims = Fixture.claims()
        claims.iss = "https://evil.invalid"
        #expect(await Fixture.rejection(try await Fixture.token(claims)) == .issuerUntrusted)
    }

    @Test("TV-011: signature not from the CA key → BADGE_SIGNATURE_INVALID")
    func tv011() async throws {
        let forged = try await Fixture.token(Fixture.claims().json, key: PrivateJWK.generate(kid: Fixture.ca.kid!))
        #expect(await Fixture.rejection(forged) == .signatureInvalid)
        // A CA-signed token with a payload swapped in from elsewhere fails the same way.
        let genuine = try await Fixture.token(Fixture.claims()).split(separator: ".")
        var tampered = Fixture.claims()
        tampered.level = .extended
        let other = try await Fixture.token(tampered).split(separator: ".")
        #expect(await Fixture.rejection("\(genuine[0]).\(other[1]).\(genuine[2])") == .signatureInvalid)
    }

    @Test("TV-012: self-signed level-0 did:key badge is accepted only when that did:key is trusted")
    func tv012() async throws {
        let claims = BadgeClaims(
            jti: "b7c1", iss: Fixture.agentDID, sub: Fixture.agentDID, iat: Fixture.now - 5, exp: Fixture.now + 300,
            ial: "0", key: Fixture.agent.publicKey, level: .selfSigned)
        let header: JSONValue = ["alg": "EdDSA", "typ": "JWT", "kid": .string(Fixture.agentVM)]
        let token = try await Fixture.token(claims.json, header: header, key: Fixture.agent)
        #expect(await Fixture.rejection(token) == .issuerUntrusted)
        // Registry status does not apply to self-signed badges (RFC-002 §8.1 note).
        let trusting = Fixture.verifier(trustedSelfSigned: [Fixture.agentDID], status: FakeStatus(revoked: ["b7c1"], failing: true))
        #expect(await Fixture.rejection(token, verifier: trusting) == nil)
        // Signed by a different key than the did:key it claims.
        let forged = try await Fixture.token(claims.json, header: header, key: PrivateJWK.generate(kid: "x"))
        #expect(await Fixture.rejection(forged, verifier: trusting) == .signatureInvalid)
    }

    /// Verifies registry badges at `level` (IAL-0 and IAL-1) with every check enabled.
    private func expectAccepted(_ level: TrustLevel) async throws {
        for claims in [Fixture.claims(level: level), Fixture.ial1Claims(level: level)] {
            let token = try await Fixture.token(claims)
            let verified = try await Fixture.verifier().verify(token, now: Fixture.now, audience: "https://api.example.invalid")
            #expect(verified == claims)
            #expect(verified.level == level)
        }
    }

    @Test("TV-013: valid level \"1\" badge is accepted")
    func tv013() async throws { try await expectAccepted(.registered) }

    @Test("TV-014: valid level \"2\" badge is accepted")
    func tv014() async throws { try await expectAccepted(.domainValidated) }

    @Test("TV-015: valid level \"3\" badge is accepted")
    func tv015() async throws { try await expectAccepted(.organizationValidated) }

    @Test("TV-016: valid level \"4\" badge is accepted")
    func tv016() async throws { try await expectAccepted(.extended) }
}
