import BadgeCore
import Foundation
import Registry

/// One RFC-003 §5.2.2 check of `PoPService.redeem`: a submission that fails exactly it, and the
/// code (and error class) it must be refused with.
struct RedeemCheck: Sendable, CustomStringConvertible {
    let step: Int
    let name: String
    let code: String
    let kind: RegistryError.Category
    let run: @Sendable (PoPFixture) async throws -> Void

    var description: String { "\(step) \(name)" }

    static let bad = RegistryError.Category.invalidInput
    static let denied = RegistryError.Category.forbidden
}

/// A did:web of another host whose document lists its key only under `assertionMethod`.
enum RemoteDIDs {
    static let assertionOnly = "did:web:partner.example:agents:assert-only"
    static let unresolvable = "did:web:unresolvable.example:agents:bot"

    static func assertionOnlyDocument(_ keys: AgentKeys) -> DIDDocument {
        DIDDocument(
            id: assertionOnly,
            verificationMethods: [VerificationMethod(id: assertionOnly + "#assert", controller: assertionOnly, publicKey: keys.key.publicKey)],
            authentication: [], assertionMethod: [assertionOnly + "#assert"]
        )
    }
}

/// Every check, in the order `redeem` applies them.
let redeemChecks: [RedeemCheck] = [
    RedeemCheck(step: 1, name: "no challenge id", code: "invalid_challenge_id", kind: RedeemCheck.bad) { f in
        try await f.redeem(try await f.proof(), challengeID: .some(nil))
    },
    RedeemCheck(step: 1, name: "challenge id without the ch- prefix", code: "invalid_challenge_id", kind: RedeemCheck.bad) { f in
        try await f.redeem(try await f.proof(), challengeID: "challenge-1")
    },
    RedeemCheck(step: 1, name: "ch- followed by no UUID", code: "invalid_challenge_id", kind: RedeemCheck.bad) { f in
        try await f.redeem(try await f.proof(), challengeID: "ch-123")
    },
    RedeemCheck(step: 2, name: "unknown challenge", code: "challenge_not_found", kind: .notFound) { f in
        try await f.redeem(try await f.proof(), challengeID: "ch-\(UUID().uuidString.lowercased())")
    },
    RedeemCheck(step: 3, name: "challenge of another DID", code: "subject_mismatch", kind: RedeemCheck.denied) { f in
        let other = AgentKeys()
        _ = try await f.world.agent(f.tenant, did: other.did)
        try await f.redeem(try await f.proof(keys: other), did: other.did)
    },
    RedeemCheck(step: 4, name: "challenge already used", code: "challenge_used", kind: RedeemCheck.denied) { f in
        try await f.redeem(try await f.proof())
        try await f.redeem(try await f.proof())
    },
    RedeemCheck(step: 5, name: "challenge expired (at its expiry second)", code: "challenge_expired", kind: RedeemCheck.denied) { f in
        let proof = try await f.proof()
        f.world.clock.set(f.challenge.expiresAt)
        try await f.redeem(proof)
    },
    RedeemCheck(step: 6, name: "no proof", code: "invalid_proof", kind: RedeemCheck.bad) { f in
        try await f.redeem(nil)
    },
    RedeemCheck(step: 6, name: "not a JWS", code: "invalid_proof", kind: RedeemCheck.bad) { f in
        try await f.redeem("not-a-jws")
    },
    RedeemCheck(step: 6, name: "a JWS whose header is not JSON", code: "invalid_proof_header", kind: RedeemCheck.bad) { f in
        try await f.redeem(Base64URL.encode(Array("not json".utf8)) + ".e30.c2ln")
    },
    RedeemCheck(step: 6, name: "JWS with an undecodable payload", code: "invalid_proof", kind: RedeemCheck.bad) { f in
        let header = Base64URL.encode(Array(#"{"alg":"EdDSA","typ":"pop+jwt"}"#.utf8))
        try await f.redeem("\(header).!!!.c2ln")
    },
    RedeemCheck(step: 7, name: "typ is not pop+jwt", code: "invalid_proof", kind: RedeemCheck.bad) { f in
        try await f.redeem { header, _ in header["typ"] = "JWT" }
    },
    RedeemCheck(step: 7, name: "alg is not EdDSA", code: "invalid_proof", kind: RedeemCheck.bad) { f in
        try await f.redeem { header, _ in header["alg"] = "HS256" }
    },
    RedeemCheck(step: 8, name: "cid missing", code: "missing_cid", kind: RedeemCheck.bad) { f in
        try await f.redeem { _, payload in payload["cid"] = nil }
    },
    RedeemCheck(step: 8, name: "cid of another challenge", code: "cid_mismatch", kind: RedeemCheck.denied) { f in
        try await f.redeem { _, payload in payload["cid"] = .string("ch-\(UUID().uuidString.lowercased())") }
    },
    RedeemCheck(step: 9, name: "wrong nonce", code: "invalid_proof", kind: RedeemCheck.bad) { f in
        try await f.redeem { _, payload in payload["nonce"] = "AAAA" }
    },
    RedeemCheck(step: 10, name: "wrong aud", code: "audience_mismatch", kind: RedeemCheck.denied) { f in
        try await f.redeem { _, payload in payload["aud"] = "https://elsewhere.example" }
    },
    RedeemCheck(step: 10, name: "aud array without the issuer", code: "audience_mismatch", kind: RedeemCheck.denied) { f in
        try await f.redeem { _, payload in payload["aud"] = ["https://elsewhere.example"] }
    },
    RedeemCheck(step: 11, name: "htu not byte-equal", code: "htu_mismatch", kind: RedeemCheck.denied) { f in
        let raw = "\(World.origin)/v1/agents/\(f.did)/badge/pop"
        try await f.redeem { _, payload in payload["htu"] = .string(raw) }
    },
    RedeemCheck(step: 12, name: "htm is not POST", code: "invalid_proof", kind: RedeemCheck.bad) { f in
        try await f.redeem { _, payload in payload["htm"] = "GET" }
    },
    RedeemCheck(step: 13, name: "iat not an integer", code: "iat_invalid", kind: RedeemCheck.denied) { f in
        try await f.redeem { _, payload in payload["iat"] = "now" }
    },
    RedeemCheck(step: 13, name: "iat more than the skew in the future", code: "iat_invalid", kind: RedeemCheck.denied) { f in
        let now = f.world.clock.now()
        try await f.redeem { _, payload in payload["iat"] = .int(now + 61); payload["exp"] = .int(now + 90) }
    },
    RedeemCheck(step: 14, name: "iat before the challenge, beyond the skew", code: "iat_invalid", kind: RedeemCheck.denied) { f in
        let created = f.challenge.createdAt
        try await f.redeem { _, payload in payload["iat"] = .int(created - 61); payload["exp"] = .int(created - 1) }
    },
    RedeemCheck(step: 15, name: "iat after the challenge expires", code: "iat_invalid", kind: RedeemCheck.denied) { f in
        f.world.clock.advance(290)  // the challenge lives 300 s
        let now = f.world.clock.now()
        try await f.redeem { _, payload in payload["iat"] = .int(now + 15); payload["exp"] = .int(now + 20) }
    },
    RedeemCheck(step: 16, name: "exp missing", code: "missing_exp", kind: RedeemCheck.bad) { f in
        try await f.redeem { _, payload in payload["exp"] = nil }
    },
    RedeemCheck(step: 16, name: "proof lives longer than 60 s", code: "exp_too_long", kind: RedeemCheck.denied) { f in
        let now = f.world.clock.now()
        try await f.redeem { _, payload in payload["exp"] = .int(now + 61) }
    },
    RedeemCheck(step: 17, name: "proof expired (exp == now)", code: "proof_expired", kind: RedeemCheck.denied) { f in
        f.world.clock.advance(100)
        let now = f.world.clock.now()
        try await f.redeem { _, payload in payload["iat"] = .int(now - 60); payload["exp"] = .int(now) }
    },
    RedeemCheck(step: 18, name: "exp after the challenge expires", code: "exp_outside_challenge_window", kind: RedeemCheck.denied) { f in
        f.world.clock.advance(290)
        let now = f.world.clock.now()
        try await f.redeem { _, payload in payload["exp"] = .int(now + 30) }
    },
    RedeemCheck(step: 19, name: "sub is another DID", code: "subject_mismatch", kind: RedeemCheck.denied) { f in
        try await f.redeem { _, payload in payload["sub"] = .string(AgentKeys().did) }
    },
    RedeemCheck(step: 20, name: "DID document cannot be resolved", code: "did_resolution_failed", kind: .badGateway) { f in
        let did = RemoteDIDs.unresolvable
        _ = try await f.world.agent(f.tenant, did: did)
        let challenge = try await f.world.pop.createChallenge(f.tenant.principal, did: did, ChallengeRequest(), clientIP: nil)
        try await f.redeem(try await f.proof(for: challenge, did: did, kid: did + "#key-1"), challengeID: challenge.id, did: did)
    },
    RedeemCheck(step: 21, name: "kid is not a verification method", code: "kid_not_found", kind: RedeemCheck.denied) { f in
        let kid = f.did + "#key-9"
        try await f.redeem { header, _ in header["kid"] = .string(kid) }
    },
    RedeemCheck(step: 21, name: "no kid", code: "kid_not_found", kind: RedeemCheck.denied) { f in
        try await f.redeem { header, _ in header["kid"] = nil }
    },
    RedeemCheck(step: 22, name: "kid not listed for authentication", code: "key_not_in_authentication", kind: RedeemCheck.denied) { f in
        let did = RemoteDIDs.assertionOnly
        let keys = AgentKeys()
        f.world.resolver.serve(RemoteDIDs.assertionOnlyDocument(keys))
        _ = try await f.world.agent(f.tenant, did: did)
        let challenge = try await f.world.pop.createChallenge(f.tenant.principal, did: did, ChallengeRequest(), clientIP: nil)
        try await f.redeem(try await f.proof(for: challenge, keys: keys, did: did, kid: did + "#assert"), challengeID: challenge.id, did: did)
    },
    RedeemCheck(step: 23, name: "signature of the wrong length", code: "invalid_proof_signature", kind: RedeemCheck.bad) { f in
        let parts = try await f.proof().split(separator: ".")
        try await f.redeem("\(parts[0]).\(parts[1]).\(Base64URL.encode([UInt8](repeating: 1, count: 10)))")
    },
    RedeemCheck(step: 23, name: "signature by another key", code: "proof_verification_failed", kind: RedeemCheck.denied) { f in
        try await f.redeem(try await f.proof(keys: AgentKeys(), did: f.did, kid: f.keys.kid))
    },
    RedeemCheck(step: 24, name: "jti missing", code: "invalid_proof", kind: RedeemCheck.bad) { f in
        try await f.redeem { _, payload in payload["jti"] = nil }
    },
    RedeemCheck(step: 24, name: "jti longer than 200 bytes", code: "invalid_proof", kind: RedeemCheck.bad) { f in
        let long = String(repeating: "j", count: 201)
        try await f.redeem { _, payload in payload["jti"] = .string(long) }
    },
    RedeemCheck(step: 24, name: "proof jti seen before (on another challenge)", code: "proof_replayed", kind: RedeemCheck.denied) { f in
        let jti = UUID().uuidString
        try await f.redeem { _, payload in payload["jti"] = .string(jti) }
        let second = try await f.world.pop.createChallenge(f.tenant.principal, did: f.did, ChallengeRequest(), clientIP: nil)
        try await f.redeem(try await f.proof(for: second) { _, payload in payload["jti"] = .string(jti) }, challengeID: second.id)
    },
]
