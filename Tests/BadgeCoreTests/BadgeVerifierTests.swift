import Testing
@testable import BadgeCore

/// Verifier behaviour beyond the RFC vectors: step order, header rules, time windows, audience,
/// key selection and fail-closed status checks.
struct BadgeVerifierTests {
    @Test("tokens that are not compact JWS → BADGE_MALFORMED", arguments: [
        "", "abc", "a.b", "a.b.c.d", "!!.??.##",
        "\(Base64URL.encode(Array("{}".utf8))).\(Base64URL.encode(Array("[]".utf8))).AAAA",
    ])
    func malformed(_ token: String) async {
        #expect(await Fixture.rejection(token) == .malformed)
    }

    @Test("header must be alg EdDSA and typ JWT → BADGE_CLAIMS_INVALID", arguments: [
        ["alg": "none", "typ": "JWT"], ["alg": "ES256", "typ": "JWT"], ["typ": "JWT"],
        ["alg": "EdDSA", "typ": "pop+jwt"], ["alg": "EdDSA"],
    ] as [JSONValue])
    func header(_ header: JSONValue) async throws {
        let token = try await Fixture.token(Fixture.claims().json, header: header)
        #expect(await Fixture.rejection(token) == .claimsInvalid)
    }

    @Test("missing key claim is rejected unless requireKeyClaim is off")
    func keyRequired() async throws {
        var claims = Fixture.claims()
        claims.key = nil
        let token = try await Fixture.token(claims)
        #expect(await Fixture.rejection(token) == .claimsInvalid)
        var relaxed = Fixture.verifier()
        relaxed.requireKeyClaim = false
        #expect(await Fixture.rejection(token, verifier: relaxed) == nil)
    }

    @Test("structure is checked before issuer trust, trust before signature, signature before time")
    func order() async throws {
        var claims = Fixture.claims()
        claims.iss = "https://evil.invalid"
        claims.exp = Fixture.now - 1000
        let untrustedAndExpired = try await Fixture.token(claims.json, key: PrivateJWK.generate(kid: "x"))
        #expect(await Fixture.rejection(untrustedAndExpired) == .issuerUntrusted)
        let broken = Fixture.edit(claims.json, ["vc": nil])
        #expect(await Fixture.rejection(try await Fixture.token(broken)) == .claimsInvalid)
        var expired = Fixture.claims()
        expired.exp = Fixture.now - 1000
        let badSignatureAndExpired = try await Fixture.token(expired.json, key: PrivateJWK.generate(kid: "x"))
        #expect(await Fixture.rejection(badSignatureAndExpired) == .signatureInvalid)
    }

    @Test("revocation is checked before agent status, both after time checks")
    func statusOrder() async throws {
        let claims = Fixture.claims()
        let both = Fixture.verifier(status: FakeStatus(revoked: [claims.jti], disabled: [claims.sub]))
        #expect(await Fixture.rejection(try await Fixture.token(claims), verifier: both) == .revoked)
        var expired = claims
        expired.exp = Fixture.now - 1000
        #expect(await Fixture.rejection(try await Fixture.token(expired), verifier: both) == .expired)
    }

    @Test("iat or nbf in the future beyond skew → BADGE_NOT_YET_VALID")
    func notYetValid() async throws {
        var claims = Fixture.claims()
        claims.iat = Fixture.now + 61
        claims.exp = Fixture.now + 600
        #expect(await Fixture.rejection(try await Fixture.token(claims)) == .notYetValid)
        claims.iat = Fixture.now + 60
        #expect(await Fixture.rejection(try await Fixture.token(claims)) == nil)
        claims.iat = Fixture.now
        claims.nbf = Fixture.now + 61
        #expect(await Fixture.rejection(try await Fixture.token(claims)) == .notYetValid)
        claims.nbf = Fixture.now + 60
        #expect(await Fixture.rejection(try await Fixture.token(claims)) == nil)
    }

    @Test("clock skew is configurable")
    func skew() async throws {
        var claims = Fixture.claims()
        claims.exp = Fixture.now - 1
        let token = try await Fixture.token(claims)
        #expect(await Fixture.rejection(token) == nil)
        var strict = Fixture.verifier()
        strict.clockSkew = 0
        #expect(await Fixture.rejection(token, verifier: strict) == .expired)
    }

    @Test("audience must be listed when both aud and an audience are present")
    func audience() async throws {
        var claims = Fixture.claims()
        claims.aud = ["https://api.example.invalid", "urn:capiscio:trust-domain:x"]
        let token = try await Fixture.token(claims)
        #expect(await Fixture.rejection(token, audience: "https://api.example.invalid") == nil)
        #expect(await Fixture.rejection(token, audience: "urn:capiscio:trust-domain:x") == nil)
        #expect(await Fixture.rejection(token, audience: "https://other.invalid") == .audienceMismatch)
        #expect(await Fixture.rejection(token, audience: nil) == nil)
        let open = try await Fixture.token(Fixture.claims())
        #expect(await Fixture.rejection(open, audience: "https://other.invalid") == nil)
    }

    @Test("unknown kid is untrusted; without kid the issuer's keys are tried")
    func keySelection() async throws {
        let old = PrivateJWK.generate(kid: "ca-2025-12")
        let resolver = StaticBadgeKeyResolver(issuers: [
            Fixture.issuer: [IssuerKey(kid: Fixture.ca.kid, key: Fixture.ca.publicKey), IssuerKey(kid: old.kid, key: old.publicKey)],
        ])
        let verifier = BadgeVerifier(keyResolver: resolver, statusChecker: FakeStatus())
        let payload = Fixture.claims().json
        let rotated = try await Fixture.token(payload, header: ["alg": "EdDSA", "typ": "JWT", "kid": "ca-2025-12"], key: old)
        #expect(await Fixture.rejection(rotated, verifier: verifier) == nil)
        let noKID = try await Fixture.token(payload, header: ["alg": "EdDSA", "typ": "JWT"], key: old)
        #expect(await Fixture.rejection(noKID, verifier: verifier) == nil)
        let unknownKID = try await Fixture.token(payload, header: ["alg": "EdDSA", "typ": "JWT", "kid": "ca-1999"])
        #expect(await Fixture.rejection(unknownKID, verifier: verifier) == .issuerUntrusted)
        // The kid selects a key: a badge by the old key claiming the new kid fails.
        let wrongKID = try await Fixture.token(payload, header: Fixture.header, key: old)
        #expect(await Fixture.rejection(wrongKID, verifier: verifier) == .signatureInvalid)
    }

    @Test("at most five keys are tried when kid is absent")
    func keyCap() async throws {
        let keys = (0..<6).map { PrivateJWK.generate(kid: "k\($0)") }
        let resolver = StaticBadgeKeyResolver(issuers: [Fixture.issuer: keys.map { IssuerKey(kid: $0.kid, key: $0.publicKey) }])
        let verifier = BadgeVerifier(keyResolver: resolver)
        let header: JSONValue = ["alg": "EdDSA", "typ": "JWT"]
        #expect(await Fixture.rejection(try await Fixture.token(Fixture.claims().json, header: header, key: keys[4]), verifier: verifier) == nil)
        #expect(await Fixture.rejection(try await Fixture.token(Fixture.claims().json, header: header, key: keys[5]), verifier: verifier) == .signatureInvalid)
    }

    @Test("a failing key resolver means the issuer is untrusted")
    func resolverFailure() async throws {
        struct Failing: BadgeKeyResolver {
            struct Down: Error {}
            func keys(issuer: String, kid: String?) throws -> [PublicJWK] { throw Down() }
        }
        let verifier = BadgeVerifier(keyResolver: Failing())
        #expect(await Fixture.rejection(try await Fixture.token(Fixture.claims()), verifier: verifier) == .issuerUntrusted)
    }

    @Test("failing status checks fail closed with REVOCATION_CHECK_FAILED")
    func statusFailure() async throws {
        let verifier = Fixture.verifier(status: FakeStatus(failing: true))
        #expect(await Fixture.rejection(try await Fixture.token(Fixture.claims()), verifier: verifier) == .revocationCheckFailed)
        let offline = Fixture.verifier(status: nil)
        #expect(await Fixture.rejection(try await Fixture.token(Fixture.claims()), verifier: offline) == nil)
    }

    @Test("IAL-1 binding fails closed without a resolver or when resolution fails")
    func bindingFailsClosed() async throws {
        let token = try await Fixture.token(Fixture.ial1Claims())
        #expect(await Fixture.rejection(token, verifier: Fixture.verifier(didResolver: nil)) == .claimsInvalid)
        #expect(await Fixture.rejection(token, verifier: Fixture.verifier(didResolver: FakeDIDResolver(documents: [:]))) == .claimsInvalid)
        var keyless = Fixture.ial1Claims()
        keyless.key = nil
        var relaxed = Fixture.verifier()
        relaxed.requireKeyClaim = false
        #expect(await Fixture.rejection(try await Fixture.token(keyless), verifier: relaxed) == .claimsInvalid)
    }

    @Test("IAL-1 binding works with did:web documents using relative ids and JWK keys")
    func bindingDIDWeb() async throws {
        let sub = Fixture.webSubject
        let document = try DIDDocument(json: [
            "id": .string(sub),
            "verificationMethod": [["id": "#key-1", "type": "JsonWebKey2020", "controller": .string(sub), "publicKeyJwk": Fixture.agent.publicKey.json]],
        ])
        var claims = Fixture.ial1Claims()
        claims.sub = sub
        claims.cnfKID = sub + "#key-1"
        let verifier = Fixture.verifier(didResolver: FakeDIDResolver(documents: [sub: document]))
        #expect(await Fixture.rejection(try await Fixture.token(claims), verifier: verifier) == nil)
    }

    @Test("self-signed badges must have iss == sub and level 0")
    func selfSignedRules() async throws {
        let trusting = Fixture.verifier(trustedSelfSigned: [Fixture.agentDID])
        var claims = BadgeClaims(
            jti: "s1", iss: Fixture.agentDID, sub: Fixture.webSubject, iat: Fixture.now, exp: Fixture.now + 60,
            key: Fixture.agent.publicKey, level: .selfSigned)
        #expect(await Fixture.rejection(try await Fixture.token(claims.json, key: Fixture.agent), verifier: trusting) == .claimsInvalid)
        claims.sub = Fixture.agentDID
        claims.level = .registered
        #expect(await Fixture.rejection(try await Fixture.token(claims.json, key: Fixture.agent), verifier: trusting) == .claimsInvalid)
        claims.level = .selfSigned
        #expect(await Fixture.rejection(try await Fixture.token(claims.json, key: Fixture.agent), verifier: trusting) == nil)
    }
}
