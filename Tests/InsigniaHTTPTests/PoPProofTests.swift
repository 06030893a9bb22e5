import BadgeCore
import Foundation
import Registry
import StoreConformance
import Testing

/// An agent with a did:key and a fresh challenge for it.
struct PoPFixture: Sendable {
    let tenant: TestTenant
    let keys: AgentKeys
    let challenge: JSONValue
    var did: String { keys.did }
    var challengeID: JSONValue { challenge["challenge_id"]! }

    static func make(_ app: TestApp, challengeBody: JSONValue? = nil) async throws -> PoPFixture {
        let tenant = try await app.tenant()
        let keys = AgentKeys()
        _ = try await app.popAgent(tenant, did: keys.did)
        let challenge = try await app.challenge(tenant, did: keys.did, challengeBody)
        #expect(challenge.status == .ok)
        return PoPFixture(tenant: tenant, keys: keys, challenge: challenge.json)
    }

    /// Submits a proof built with `edit` to the Go client's route.
    func submit(_ app: TestApp, edit: (inout [String: JSONValue], inout [String: JSONValue]) -> Void = { _, _ in }) async throws -> TestResult {
        let proof = try await app.proof(challenge, keys: keys, edit: edit)
        return try await app.submit(did: did, ["challenge_id": challengeID, "proof_jws": .string(proof)])
    }
}

/// One RFC-003 §5.2.2 check: a submission that fails exactly it, and the answer it must get.
struct ProofCheck: Sendable, CustomStringConvertible {
    let step: Int
    let name: String
    let status: Int
    let code: String
    let run: @Sendable (TestApp, PoPFixture) async throws -> TestResult

    var description: String { "\(step) \(name)" }
}

let proofChecks: [ProofCheck] = [
    ProofCheck(step: 1, name: "malformed challenge id", status: 400, code: "invalid_challenge_id") { app, f in
        try await app.submit(did: f.did, ["challenge_id": "challenge-1", "proof_jws": .string(try await app.proof(f.challenge, keys: f.keys))])
    },
    ProofCheck(step: 2, name: "unknown challenge", status: 404, code: "challenge_not_found") { app, f in
        try await app.submit(did: f.did, ["challenge_id": .string("ch-\(UUID().uuidString.lowercased())"), "proof_jws": .string(try await app.proof(f.challenge, keys: f.keys))])
    },
    ProofCheck(step: 3, name: "challenge of another DID", status: 403, code: "subject_mismatch") { app, f in
        let other = AgentKeys()
        _ = try await app.popAgent(f.tenant, did: other.did)
        return try await app.submit(did: other.did, ["challenge_id": f.challengeID, "proof_jws": .string(try await app.proof(f.challenge, keys: other, did: other.did))])
    },
    ProofCheck(step: 4, name: "challenge already used", status: 403, code: "challenge_used") { app, f in
        #expect(try await f.submit(app).status == .ok)
        return try await f.submit(app)
    },
    ProofCheck(step: 5, name: "challenge expired", status: 403, code: "challenge_expired") { app, f in
        let proof = try await app.proof(f.challenge, keys: f.keys)
        app.clock.advance(301)
        return try await app.submit(did: f.did, ["challenge_id": f.challengeID, "proof_jws": .string(proof)])
    },
    ProofCheck(step: 6, name: "not a JWS", status: 400, code: "invalid_proof") { app, f in
        try await app.submit(did: f.did, ["challenge_id": f.challengeID, "proof_jws": "not-a-jws"])
    },
    ProofCheck(step: 6, name: "a JWS whose header is not JSON", status: 400, code: "invalid_proof_header") { app, f in
        let header = Base64URL.encode(Array("not json".utf8))
        return try await app.submit(did: f.did, ["challenge_id": f.challengeID, "proof_jws": .string("\(header).e30.c2ln")])
    },
    ProofCheck(step: 6, name: "JWS with an undecodable payload", status: 400, code: "invalid_proof") { app, f in
        let header = Base64URL.encode(Array(#"{"alg":"EdDSA","typ":"pop+jwt"}"#.utf8))
        return try await app.submit(did: f.did, ["challenge_id": f.challengeID, "proof_jws": .string("\(header).!!!.c2ln")])
    },
    ProofCheck(step: 7, name: "typ is not pop+jwt", status: 400, code: "invalid_proof") { app, f in
        try await f.submit(app) { header, _ in header["typ"] = "JWT" }
    },
    ProofCheck(step: 7, name: "alg is not EdDSA", status: 400, code: "invalid_proof") { app, f in
        try await f.submit(app) { header, _ in header["alg"] = "HS256" }
    },
    ProofCheck(step: 8, name: "cid missing", status: 400, code: "missing_cid") { app, f in
        try await f.submit(app) { _, payload in payload["cid"] = nil }
    },
    ProofCheck(step: 8, name: "cid of another challenge", status: 403, code: "cid_mismatch") { app, f in
        try await f.submit(app) { _, payload in payload["cid"] = .string("ch-\(UUID().uuidString.lowercased())") }
    },
    ProofCheck(step: 9, name: "wrong nonce", status: 400, code: "invalid_proof") { app, f in
        try await f.submit(app) { _, payload in payload["nonce"] = "AAAA" }
    },
    ProofCheck(step: 10, name: "wrong aud", status: 403, code: "audience_mismatch") { app, f in
        try await f.submit(app) { _, payload in payload["aud"] = "" }
    },
    ProofCheck(step: 11, name: "htu not byte-equal", status: 403, code: "htu_mismatch") { app, f in
        try await f.submit(app) { _, payload in payload["htu"] = .string("https://registry.test.example/v1/agents/\(f.did)/badge/pop") }
    },
    ProofCheck(step: 12, name: "htm is not POST", status: 400, code: "invalid_proof") { app, f in
        try await f.submit(app) { _, payload in payload["htm"] = "GET" }
    },
    ProofCheck(step: 13, name: "iat in the future", status: 403, code: "iat_invalid") { app, f in
        let now = app.clock.now()
        return try await f.submit(app) { _, payload in payload["iat"] = .int(now + 120); payload["exp"] = .int(now + 150) }
    },
    ProofCheck(step: 14, name: "iat before the challenge", status: 403, code: "iat_invalid") { app, f in
        let now = app.clock.now()
        return try await f.submit(app) { _, payload in payload["iat"] = .int(now - 120); payload["exp"] = .int(now - 70) }
    },
    ProofCheck(step: 15, name: "iat after the challenge expires", status: 403, code: "iat_invalid") { app, f in
        app.clock.advance(290)  // the challenge lives 300 s
        let now = app.clock.now()
        return try await f.submit(app) { _, payload in payload["iat"] = .int(now + 15); payload["exp"] = .int(now + 20) }
    },
    ProofCheck(step: 16, name: "exp missing", status: 400, code: "missing_exp") { app, f in
        try await f.submit(app) { _, payload in payload["exp"] = nil }
    },
    ProofCheck(step: 16, name: "proof lives longer than 60 s", status: 403, code: "exp_too_long") { app, f in
        let now = app.clock.now()
        return try await f.submit(app) { _, payload in payload["exp"] = .int(now + 61) }
    },
    ProofCheck(step: 17, name: "proof expired", status: 403, code: "proof_expired") { app, f in
        app.clock.advance(100)
        let now = app.clock.now()
        return try await f.submit(app) { _, payload in payload["iat"] = .int(now - 70); payload["exp"] = .int(now - 10) }
    },
    ProofCheck(step: 18, name: "exp after the challenge expires", status: 403, code: "exp_outside_challenge_window") { app, f in
        app.clock.advance(290)
        let now = app.clock.now()
        return try await f.submit(app) { _, payload in payload["exp"] = .int(now + 30) }
    },
    ProofCheck(step: 19, name: "sub is another DID", status: 403, code: "subject_mismatch") { app, f in
        try await f.submit(app) { _, payload in payload["sub"] = .string(AgentKeys().did) }
    },
    ProofCheck(step: 20, name: "DID document cannot be resolved", status: 502, code: "did_resolution_failed") { app, f in
        let did = "did:web:unresolvable.example:agents:bot"
        _ = try await app.popAgent(f.tenant, did: did)
        let challenge = try await app.challenge(f.tenant, did: did).json
        let proof = try await app.proof(challenge, keys: f.keys, did: did, kid: did + "#key-1")
        return try await app.submit(did: did, ["challenge_id": challenge["challenge_id"]!, "proof_jws": .string(proof)])
    },
    ProofCheck(step: 21, name: "kid is not a verification method", status: 403, code: "kid_not_found") { app, f in
        try await f.submit(app) { header, _ in header["kid"] = .string(f.did + "#key-9") }
    },
    ProofCheck(step: 22, name: "kid not listed for authentication", status: 403, code: "key_not_in_authentication") { app, f in
        let did = PoPProofTests.assertionOnlyDID
        _ = try await app.popAgent(f.tenant, did: did)
        let challenge = try await app.challenge(f.tenant, did: did).json
        let proof = try await app.proof(challenge, keys: PoPProofTests.remoteKeys, did: did, kid: did + "#assert")
        return try await app.submit(did: did, ["challenge_id": challenge["challenge_id"]!, "proof_jws": .string(proof)])
    },
    ProofCheck(step: 23, name: "signature by another key", status: 403, code: "proof_verification_failed") { app, f in
        let proof = try await app.proof(f.challenge, keys: AgentKeys(), did: f.did, kid: f.keys.kid)
        return try await app.submit(did: f.did, ["challenge_id": f.challengeID, "proof_jws": .string(proof)])
    },
    ProofCheck(step: 23, name: "signature of the wrong length", status: 400, code: "invalid_proof_signature") { app, f in
        let proof = try await app.proof(f.challenge, keys: f.keys)
        let parts = proof.split(separator: ".")
        return try await app.submit(did: f.did, ["challenge_id": f.challengeID, "proof_jws": .string("\(parts[0]).\(parts[1]).\(Base64URL.encode([UInt8](repeating: 1, count: 10)))")])
    },
]

@Suite struct PoPProofTests {
    /// A did:web whose (fake-resolved) document lists its key only under assertionMethod.
    static let assertionOnlyDID = "did:web:partner.example:agents:assert-only"
    static let remoteKeys = AgentKeys()
    static let resolver = StaticDIDResolver(documents: [
        assertionOnlyDID: DIDDocument(
            id: assertionOnlyDID,
            verificationMethods: [VerificationMethod(id: assertionOnlyDID + "#assert", controller: assertionOnlyDID, publicKey: remoteKeys.key.publicKey)],
            authentication: [], assertionMethod: [assertionOnlyDID + "#assert"]
        ),
    ])

    @Test(arguments: TestBackend.available, proofChecks)
    func everyCheckRejectsWithItsCode(backend: TestBackend, check: ProofCheck) async throws {
        try await TestApp.run(backend, remoteDIDResolver: Self.resolver) { app in
            let fixture = try await PoPFixture.make(app)
            let response = try await check.run(app, fixture)
            #expect(Int(response.status.code) == check.status, "step \(check.step): \(response.text)")
            #expect(response.errorCode == check.code, "step \(check.step): \(response.text)")
            #expect(response.json["success"] == false)
        }
    }

    @Test(arguments: TestBackend.available)
    func validProofGetsABoundIAL1Badge(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let fixture = try await PoPFixture.make(app, challengeBody: ["badge_aud": ["https://api.partner.example"], "badge_ttl": 600])
            // Values in the phase-2 body are ignored: the challenge decides.
            let proof = try await app.proof(fixture.challenge, keys: fixture.keys)
            let response = try await app.submit(did: fixture.did, [
                "challenge_id": fixture.challengeID, "proof_jws": .string(proof), "badge_ttl": 3600, "badge_aud": ["https://evil.example"],
            ])
            #expect(response.status == .ok, "\(response.text)")
            #expect(response.json["success"] == true && response.json["message"] == "IAL-1 badge issued")
            let data = response.data
            #expect(data["assurance_level"] == "IAL-1" && data["ial"] == "1")
            #expect(data["cnf"] == ["kid": .string(fixture.keys.kid)])
            #expect(data["subject"] == .string(fixture.did) && data["trust_level"] == "1")
            let token = try #require(data["token"]?.stringValue)
            let claims = try CompactJWS.parse(token).payload
            #expect(claims["sub"] == .string(fixture.did) && claims["ial"] == "1")
            #expect(claims["cnf"] == ["kid": .string(fixture.keys.kid)])
            #expect(try PublicJWK(json: claims["key"]!) == fixture.keys.key.publicKey)
            #expect(claims["pop_challenge_id"] == fixture.challengeID)
            #expect(claims["aud"] == ["https://api.partner.example"])
            #expect(claims["exp"]!.intValue! - claims["iat"]!.intValue! == 600)
            #expect(try await app.validate(token)["valid"] == true)
            let stored = try await app.store.challenge(id: fixture.challengeID.stringValue!)
            #expect(stored?.used == true && stored?.issuedBadgeJTI == claims["jti"]?.stringValue)
            // The answer names the badge's log index, given in the transaction that recorded it.
            let logged = try await app.store.logEntries(jti: try #require(claims["jti"]?.stringValue))
            #expect(logged.count == 1 && data["log_index"] == .int(logged[0].index))
        }
    }

    @Test(arguments: TestBackend.available)
    func otherPhase2RoutesAndEncodings(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            // RFC form: POST …/badge with mode ial1, DID percent-encoded, no credential.
            let rfc = try await PoPFixture.make(app)
            let encoded = rfc.did.replacingOccurrences(of: ":", with: "%3A")
            let proof = try await app.proof(rfc.challenge, keys: rfc.keys)
            let viaBadge = try await app.request(.post, "/v1/agents/\(encoded)/badge", json: ["mode": "ial1", "challenge_id": rfc.challengeID, "proof_jws": .string(proof)])
            #expect(viaBadge.status == .ok && viaBadge.data["assurance_level"] == "IAL-1")
            // Docs form: /v1/sdk/…/badge/pop with `proof` alias.
            let docs = try await PoPFixture.make(app)
            let viaSDK = try await app.request(.post, "/v1/sdk/agents/\(docs.did)/badge/pop", json: ["challenge_id": docs.challengeID, "proof": .string(try await app.proof(docs.challenge, keys: docs.keys))])
            #expect(viaSDK.status == .ok)
        }
    }

    @Test(arguments: TestBackend.available)
    func registryDIDWebSubjectsResolveFromTheDatabase(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let keys = AgentKeys()
            let agentID = try await app.createAgent(tenant, ["name": "web", "publicKey": keys.key.publicKey.json])
            let did = "did:web:registry.test.example:agents:\(agentID)"
            let challenge = try await app.challenge(tenant, did: did).json
            let proof = try await app.proof(challenge, keys: keys, did: did, kid: did + "#key-1")
            let response = try await app.submit(did: did, ["challenge_id": challenge["challenge_id"]!, "proof_jws": .string(proof)])
            #expect(response.status == .ok, "\(response.text)")
            #expect(try await app.validate(response.data["token"]!.stringValue!)["valid"] == true)
        }
    }

    @Test(arguments: TestBackend.available)
    func concurrentReplaysYieldExactlyOneBadge(backend: TestBackend) async throws {
        // Lift the per-DID proof limit and the cooldown so every submission reaches the replay checks.
        try await TestApp.run(backend, configure: {
            $0.popPolicy.proofsPerDID = .perMinute(100)
            $0.popPolicy.failedProofsPerDID = RateLimit(limit: 100, windowSeconds: 900)
        }) { app in
            let fixture = try await PoPFixture.make(app)
            let proof = try await app.proof(fixture.challenge, keys: fixture.keys)
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<16 {
                    group.addTask { Int(try await app.submit(did: fixture.did, ["challenge_id": fixture.challengeID, "proof_jws": .string(proof)]).status.code) }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 200 }.count == 1, "\(statuses)")
            #expect(statuses.filter { $0 == 403 }.count == 15, "\(statuses)")
        }
    }

    @Test(arguments: TestBackend.available)
    func phase2IsRateLimitedPerDID(backend: TestBackend) async throws {
        try await TestApp.run(backend, configure: { $0.popPolicy.proofsPerDID = .perMinute(3) }) { app in
            let fixture = try await PoPFixture.make(app)
            for _ in 0..<3 {
                #expect(try await fixture.submit(app) { _, payload in payload["htm"] = "GET" }.status == .badRequest)
            }
            let limited = try await fixture.submit(app)
            #expect(limited.status == .tooManyRequests && limited.errorCode == "rate_limit_exceeded")
            #expect(limited.headers[.retryAfter] != nil)
        }
    }

    @Test(arguments: TestBackend.available)
    func aProofJTICannotBeReplayedOnAnotherChallenge(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let fixture = try await PoPFixture.make(app)
            let jti = UUID().uuidString
            #expect(try await fixture.submit(app) { _, payload in payload["jti"] = .string(jti) }.status == .ok)
            let second = try await app.challenge(fixture.tenant, did: fixture.did).json
            let replay = try await app.proof(second, keys: fixture.keys) { _, payload in payload["jti"] = .string(jti) }
            let response = try await app.submit(did: fixture.did, ["challenge_id": second["challenge_id"]!, "proof_jws": .string(replay)])
            #expect(response.status == .forbidden && response.errorCode == "proof_replayed")
        }
    }

    @Test(arguments: TestBackend.available)
    func failedProofsPutTheDIDsProofsInCooldownButNotItsChallenges(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let fixture = try await PoPFixture.make(app)
            for _ in 0..<5 {
                #expect(try await fixture.submit(app) { _, payload in payload["nonce"] = "wrong" }.status == .badRequest)
            }
            let fresh = try await app.challenge(fixture.tenant, did: fixture.did)
            #expect(fresh.status == .ok)
            let proof = try await app.proof(fresh.json, keys: fixture.keys)
            let blocked = try await app.submit(did: fixture.did, ["challenge_id": fresh.json["challenge_id"]!, "proof_jws": .string(proof)])
            #expect(blocked.status == .tooManyRequests && blocked.errorCode == "rate_limit_exceeded")
            #expect(blocked.headers[.retryAfter] != nil)
            let failures = try await app.store.events(orgID: nil).filter { $0.type == "pop.proof.failed" }
            #expect(failures.count == 5)
            #expect(failures.allSatisfy { $0.details?.contains(fixture.keys.key.json()["d"]!.stringValue!) == false })
        }
    }

    @Test(arguments: TestBackend.available)
    func anonymousProofsWithMadeUpChallengesDoNotLockTheOwnerOut(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let fixture = try await PoPFixture.make(app)
            for _ in 0..<12 {
                let junk = try await app.submit(did: fixture.did, [
                    "challenge_id": .string("ch-\(UUID().uuidString.lowercased())"), "proof_jws": "a.b.c",
                ])
                #expect(junk.status == .notFound && junk.errorCode == "challenge_not_found")
            }
            let challenge = try await app.challenge(fixture.tenant, did: fixture.did)
            #expect(challenge.status == .ok)
            let proof = try await app.proof(challenge.json, keys: fixture.keys)
            let badge = try await app.submit(did: fixture.did, ["challenge_id": challenge.json["challenge_id"]!, "proof_jws": .string(proof)])
            #expect(badge.status == .ok)
        }
    }
}
