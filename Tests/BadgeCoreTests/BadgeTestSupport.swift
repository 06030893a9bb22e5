@testable import BadgeCore

/// Shared fixtures for badge tests: a test CA, an agent with a `did:key`, and fakes for the
/// verifier's dependencies.
enum Fixture {
    static let now: Int64 = 1_772_619_400
    static let issuer = "https://registry.capisc.invalid"
    static let ca = PrivateJWK.generate(kid: "ca-2026-01")
    static let agent = PrivateJWK.generate(kid: "agent")
    static let agentDID = DIDKey.did(for: agent.publicKey)
    static let agentVM = agentDID + "#" + agent.publicKey.multibase
    static let webSubject = "did:web:registry.capisc.invalid:agents:3f0c9a52-6a0e-4c1f-9b7e-2d41c0a7e915"

    /// A valid registry-issued IAL-0 badge payload at `level`.
    static func claims(level: TrustLevel = .registered) -> BadgeClaims {
        BadgeClaims(
            jti: "1b6f1c0e-5d2a-4c8e-9d53-0f3f4c0a9b21", iss: issuer, sub: webSubject,
            iat: now - 10, exp: now + 290, ial: "0", key: agent.publicKey, level: level,
            domain: level >= .domainValidated ? "agent.acme.invalid" : nil, issuanceProfile: "registered")
    }

    /// A valid IAL-1 badge for the agent's `did:key` bound through `cnf.kid`.
    static func ial1Claims(level: TrustLevel = .registered) -> BadgeClaims {
        var claims = claims(level: level)
        claims.sub = agentDID
        claims.ial = "1"
        claims.cnfKID = agentVM
        claims.popChallengeID = "ch-8e2f0b7a"
        return claims
    }

    static let header: JSONValue = ["alg": "EdDSA", "typ": "JWT", "kid": .string(ca.kid!)]

    /// Signs an arbitrary payload object, so tests can build badges the issuer API would refuse.
    static func token(_ payload: JSONValue, header: JSONValue = header, key: PrivateJWK = ca) async throws -> String {
        try await JWS.sign(header: header, payload: payload, signer: Ed25519Signer(key: key))
    }

    static func token(_ claims: BadgeClaims) async throws -> String {
        try await token(claims.json)
    }

    /// Rewrites payload members, `nil` removing the member.
    static func edit(_ payload: JSONValue, _ changes: [String: JSONValue?]) -> JSONValue {
        var members = payload.objectValue!
        for (key, value) in changes { members[key] = value }
        return .object(members)
    }

    static let keyResolver = StaticBadgeKeyResolver(issuers: [issuer: [IssuerKey(kid: ca.kid, key: ca.publicKey)]])

    static func verifier(
        trustedSelfSigned: Set<String> = [], didResolver: (any DIDResolving)? = DIDKeyResolver(),
        status: (any BadgeStatusChecking)? = FakeStatus()
    ) -> BadgeVerifier {
        BadgeVerifier(keyResolver: keyResolver, trustedSelfSignedIssuers: trustedSelfSigned, didResolver: didResolver, statusChecker: status)
    }

    /// Verifies and returns the error code, or `nil` when the badge is accepted.
    static func rejection(_ token: String, verifier: BadgeVerifier = verifier(), audience: String? = nil) async -> BadgeErrorCode? {
        do {
            _ = try await verifier.verify(token, now: now, audience: audience)
            return nil
        } catch {
            return error.code
        }
    }
}

/// In-memory status source.
struct FakeStatus: BadgeStatusChecking {
    var revoked: Set<String> = []
    var disabled: Set<String> = []
    var failing = false

    struct Unavailable: Error {}

    func isRevoked(jti: String) throws -> Bool {
        if failing { throw Unavailable() }
        return revoked.contains(jti)
    }

    func isAgentActive(sub: String) throws -> Bool {
        if failing { throw Unavailable() }
        return !disabled.contains(sub)
    }
}

/// In-memory DID resolver.
struct FakeDIDResolver: DIDResolving {
    var documents: [String: DIDDocument]

    struct NotFound: Error {}

    func resolve(_ did: String) throws -> DIDDocument {
        guard let document = documents[did] else { throw NotFound() }
        return document
    }
}
