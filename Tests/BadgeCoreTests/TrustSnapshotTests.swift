import Testing
@testable import BadgeCore

/// Shared trust-snapshot fixtures: a snapshot key beside the test CA of ``Fixture``.
enum SnapshotFixture {
    static let key = PrivateJWK.generate(kid: "snap-2026-01")
    static let pinned = [IssuerKey(kid: key.kid, key: key.publicKey)]
    static let retired = PrivateJWK.generate(kid: "ca-2025-07")

    /// A snapshot at `sequence` signed at `iat` (default: when ``Fixture/claims(level:)`` badges are issued).
    static func snapshot(
        sequence: UInt64 = 7, iat: Int64 = Fixture.now - 10, revoked: [RevokedBadge] = revoked,
        inactive: [InactiveSubject] = inactive, coveredUntil: Int64? = nil, retiredUntil: Int64 = Fixture.now + 3600
    ) -> TrustSnapshot {
        TrustSnapshot(
            iss: Fixture.issuer, sequence: sequence, iat: iat, exp: iat + 600, refreshHint: 60,
            coveredUntil: coveredUntil ?? iat,
            keys: [
                SnapshotKey(kid: Fixture.ca.kid!, state: .active, key: Fixture.ca.publicKey),
                SnapshotKey(kid: retired.kid!, state: .retiring, until: retiredUntil, key: retired.publicKey),
            ],
            revoked: revoked, inactive: inactive)
    }

    static let revoked = [
        RevokedBadge(jti: "b-2", exp: Fixture.now + 900, revokedAt: Fixture.now - 300, reason: "key_compromise"),
        RevokedBadge(jti: "a-1", exp: Fixture.now + 100, revokedAt: Fixture.now - 200),
    ]
    static let inactive = [
        InactiveSubject(did: "did:web:registry.capisc.invalid:agents:zz", status: .deleted, since: Fixture.now - 500),
        InactiveSubject(did: "did:web:registry.capisc.invalid:agents:aa", status: .disabled, since: Fixture.now - 400),
    ]

    static func signed(_ snapshot: TrustSnapshot, key: PrivateJWK = key) async throws -> String {
        try await snapshot.signed(by: Ed25519Signer(key: key))
    }

    /// The verified document's error code, or nil when it verifies.
    static func refusal(
        _ token: String, keys: [IssuerKey] = pinned, badgeKeys: [PublicJWK] = [Fixture.ca.publicKey], now: Int64? = Fixture.now
    ) -> SnapshotErrorCode? {
        do {
            _ = try TrustSnapshotJWS.verify(token, keys: keys, badgeKeys: badgeKeys, now: now)
            return nil
        } catch {
            return error.code
        }
    }
}

/// The snapshot model: encoding, decoding, digest, signing and the JWS refusals.
@Suite struct TrustSnapshotTests {
    @Test("lists are sorted by id and the payload round-trips through JSON text")
    func roundTrip() throws {
        let snapshot = SnapshotFixture.snapshot()
        #expect(snapshot.revoked.map(\.jti) == ["a-1", "b-2"])
        #expect(snapshot.inactive.map(\.did).first?.hasSuffix(":aa") == true)
        #expect(snapshot.keys.map(\.kid) == ["ca-2025-07", "ca-2026-01"])
        let text = snapshot.json.serialized()
        let decoded = try TrustSnapshot(json: try JSONValue.parse(text))
        #expect(decoded == snapshot)
        #expect(snapshot.json["kind"] == "full")
        #expect(snapshot.json["covered_until"] == .int(snapshot.coveredUntil))
        #expect(snapshot.json["keys"]?.arrayValue?.first?["jwk"]?["kid"] == "ca-2025-07")
        #expect(snapshot.json["revoked"]?.arrayValue?.last?["reason"] == "key_compromise")
        #expect(snapshot.json["revoked"]?.arrayValue?.first?["reason"] == nil)
        #expect(snapshot.json["checkpoint"] == nil)
    }

    @Test("the state digest ignores iat, exp, covered_until and checkpoint but not the state")
    func digest() {
        let base = SnapshotFixture.snapshot()
        var resigned = SnapshotFixture.snapshot(iat: Fixture.now, coveredUntil: Fixture.now + 5)
        resigned.checkpoint = "origin\n1\nroot\n"
        #expect(resigned.stateDigest == base.stateDigest)
        #expect(base.stateDigest.count == 32)
        #expect(base.stateDigestHex.count == 64)
        #expect(SnapshotFixture.snapshot(revoked: [SnapshotFixture.revoked[0]]).stateDigest != base.stateDigest)
        #expect(SnapshotFixture.snapshot(sequence: 8).stateDigest != base.stateDigest)
        #expect(SnapshotFixture.snapshot(inactive: []).stateDigest != base.stateDigest)
        // Input order does not matter: the lists are sorted before hashing.
        let reversed = SnapshotFixture.snapshot(revoked: SnapshotFixture.revoked.reversed())
        #expect(reversed.stateDigest == base.stateDigest)
    }

    /// A payload and its state digest computed by Python's `json.dumps(sort_keys=True,
    /// separators=(",", ":"))` and `hashlib.sha256` (an implementation that is not ours), the
    /// JWKs written as the model writes them (`kid`, `alg`, `use`); also the fuzz seed
    /// `Fuzz/corpus/snapshot/full.json`.
    static let pythonVector = #"""
        {"checkpoint":"registry.example.com/tlog\n3\nAAAA\n\n\u2014 registry.example.com/tlog abcd\n","covered_until":1765000000,"exp":1765000600,"iat":1765000000,"inactive":[{"did":"did:web:registry.example.com:agents:1","since":1764990000,"status":"disabled"},{"did":"did:web:registry.example.com:agents:2","since":1764990001,"status":"deleted"}],"iss":"https://registry.example.com","keys":[{"jwk":{"alg":"EdDSA","crv":"Ed25519","kid":"ca-0","kty":"OKP","use":"sig","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},"kid":"ca-0","state":"retiring","until":1765003600},{"jwk":{"alg":"EdDSA","crv":"Ed25519","kid":"ca-1","kty":"OKP","use":"sig","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},"kid":"ca-1","state":"active"}],"kind":"full","refresh_hint":60,"revoked":[{"exp":1765000900,"jti":"a","reason":"key_compromise","revoked_at":1764999000},{"exp":1765000300,"jti":"b","revoked_at":1764999500}],"sequence":42}
        """#

    @Test("the state digest matches an independent computation")
    func digestVector() throws {
        let snapshot = try TrustSnapshot(json: try JSONValue.parse(Array(Self.pythonVector.utf8)))
        #expect(snapshot.stateDigestHex == "2153ee8243cfaa5cff16d620f6f60d9407603e49abc37aea68914b198b9d257f")
        #expect(snapshot.checkpoint?.hasPrefix("registry.example.com/tlog\n3\n") == true)
    }

    @Test("lookups find listed jtis and DIDs only")
    func lookups() {
        let snapshot = SnapshotFixture.snapshot()
        #expect(snapshot.revocation(of: "b-2")?.reason == "key_compromise")
        #expect(snapshot.revocation(of: "a-1") != nil)
        #expect(snapshot.revocation(of: "c-3") == nil)
        #expect(snapshot.inactivity(of: "did:web:registry.capisc.invalid:agents:zz")?.status == .deleted)
        #expect(snapshot.inactivity(of: "did:web:registry.capisc.invalid:agents:mm") == nil)
    }

    @Test("malformed payloads are SNAPSHOT_INVALID", arguments: [
        ["kind": "delta"], ["sequence": -1], ["sequence": "7"], ["iss": ""], ["exp": .int(Fixture.now - 100)],
        ["keys": [["kid": "k", "state": "revoked", "jwk": Fixture.ca.publicKey.json]]],
        ["keys": [["kid": "k", "state": "active", "jwk": Fixture.ca.json()]]],
        ["keys": [["kid": "k", "state": "active", "jwk": Fixture.ca.publicKey.json(kid: "other", alg: false, use: false)]]],
        ["revoked": [["jti": "x", "exp": 1, "revoked_at": 1], ["jti": "x", "exp": 2, "revoked_at": 1]]],
        ["revoked": [["jti": "x", "exp": 1.5, "revoked_at": 1]]],
        ["inactive": [["did": "d", "status": "suspended", "since": 1]]], ["inactive": nil], ["refresh_hint": -1],
    ] as [[String: JSONValue?]])
    func malformed(_ changes: [String: JSONValue?]) {
        let payload = Fixture.edit(SnapshotFixture.snapshot().json, changes)
        #expect(throws: TrustSnapshotError.self) { try TrustSnapshot(json: payload) }
        do {
            _ = try TrustSnapshot(json: payload)
        } catch {
            #expect(error.code == .invalid)
        }
    }

    @Test("a signed snapshot verifies and decodes; the header is EdDSA, the snapshot kid and typ")
    func signAndVerify() async throws {
        let snapshot = SnapshotFixture.snapshot()
        let token = try await SnapshotFixture.signed(snapshot)
        let jws = try CompactJWS.parse(token)
        #expect(jws.header == ["alg": "EdDSA", "kid": "snap-2026-01", "typ": "insignia-trust-snapshot+jwt"])
        let document = try TrustSnapshotJWS.verify(token, keys: SnapshotFixture.pinned, now: Fixture.now)
        #expect(document == .full(snapshot))
        #expect(SnapshotFixture.refusal(token) == nil)
    }

    @Test("a wrong signature, typ, alg or kid is SNAPSHOT_INVALID")
    func refusals() async throws {
        let snapshot = SnapshotFixture.snapshot()
        let token = try await SnapshotFixture.signed(snapshot)
        let parts = token.split(separator: ".")
        let otherSignature = try await SnapshotFixture.signed(SnapshotFixture.snapshot(sequence: 8)).split(separator: ".")[2]
        #expect(SnapshotFixture.refusal("\(parts[0]).\(parts[1]).\(otherSignature)") == .invalid)
        let impostor = PrivateJWK.generate(kid: SnapshotFixture.key.kid!)
        #expect(SnapshotFixture.refusal(try await SnapshotFixture.signed(snapshot, key: impostor)) == .invalid)
        for header: JSONValue in [
            ["alg": "EdDSA", "kid": "snap-2026-01", "typ": "JWT"], ["alg": "EdDSA", "kid": "snap-2026-01"],
            ["alg": "none", "kid": "snap-2026-01", "typ": .string(TrustSnapshot.typ)],
            ["alg": "EdDSA", "typ": .string(TrustSnapshot.typ)],
            ["alg": "EdDSA", "kid": "unknown", "typ": .string(TrustSnapshot.typ)],
        ] {
            let forged = try await JWS.sign(header: header, payload: snapshot.json, signer: Ed25519Signer(key: SnapshotFixture.key))
            #expect(SnapshotFixture.refusal(forged) == .invalid, "\(header)")
        }
        #expect(SnapshotFixture.refusal("not.a.jws") == .invalid)
        #expect(SnapshotFixture.refusal("") == .invalid)
    }

    @Test("snapshots far larger than a badge (5 000 revocations) verify")
    func large() async throws {
        let many = (0..<5_000).map { RevokedBadge(jti: "jti-\($0)", exp: Fixture.now + 900, revokedAt: Fixture.now - 5, reason: "superseded") }
        let token = try await SnapshotFixture.signed(SnapshotFixture.snapshot(revoked: many))
        #expect(token.utf8.count > 50 * CompactJWS.maxTokenLength / 2)
        guard case .full(let snapshot) = try TrustSnapshotJWS.verify(token, keys: SnapshotFixture.pinned, now: Fixture.now) else {
            Issue.record("not a full snapshot")
            return
        }
        #expect(snapshot.revoked.count == 5_000)
        #expect(snapshot.revocation(of: "jti-4321") != nil)
    }

    @Test("nothing pinned is SNAPSHOT_UNTRUSTED; an expired snapshot SNAPSHOT_EXPIRED")
    func untrustedAndExpired() async throws {
        let token = try await SnapshotFixture.signed(SnapshotFixture.snapshot())
        #expect(SnapshotFixture.refusal(token, keys: []) == .untrusted)
        let old = try await SnapshotFixture.signed(SnapshotFixture.snapshot(iat: Fixture.now - 600))
        #expect(SnapshotFixture.refusal(old) == .expired)
        #expect(SnapshotFixture.refusal(old, now: nil) == nil)
    }

    @Test("a snapshot signed by a CA badge key is refused, even when that key was pinned as a snapshot key")
    func badgeKeyCannotSignSnapshots() async throws {
        let snapshot = SnapshotFixture.snapshot()
        let byCA = try await snapshot.signed(by: Ed25519Signer(key: Fixture.ca))
        #expect(SnapshotFixture.refusal(byCA) == .invalid)
        let mixedUp = SnapshotFixture.pinned + [IssuerKey(kid: Fixture.ca.kid, key: Fixture.ca.publicKey)]
        #expect(SnapshotFixture.refusal(byCA, keys: mixedUp) == .invalid)
        // Even with no badge keys known yet, the snapshot's own keys list gives the CA key away.
        #expect(SnapshotFixture.refusal(byCA, keys: mixedUp, badgeKeys: []) == .invalid)
        #expect(SnapshotFixture.refusal(try await SnapshotFixture.signed(snapshot), keys: mixedUp) == nil)
    }
}
