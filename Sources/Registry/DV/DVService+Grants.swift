import BadgeCore
import Foundation

/// A PoP-authenticated request on a grant endpoint (CONTRACT.md §5.5): the bearer proof, and the
/// method and path it must be bound to.
public struct GrantProofRequest: Sendable {
    public var proof: String?
    public var method: String
    /// The request path as received (no query string).
    public var path: String
    public var clientIP: String?

    public init(proof: String?, method: String, path: String, clientIP: String?) {
        self.proof = proof
        self.method = method
        self.path = path
        self.clientIP = clientIP
    }
}

extension DVService {
    static let grantNotFound = RegistryError(.grantNotFound, "grant not found")

    static func popFailed(_ message: String) -> RegistryError { StandaloneProof.failed(message) }

    /// `GET /v1/badges/dv/grants/{jti}/status`: any proof failure and an unknown grant look the same
    /// (404, anti-enumeration); callers are rate limited per address.
    public func grantStatus(jti: String, _ request: GrantProofRequest) async throws -> DVGrant {
        _ = try await limiter.hit("dv:grant:ip:\(request.clientIP ?? "unknown")", policy.grantLookupRate, code: .dvRateLimitExceeded)
        guard let grant = try await lookupGrant(jti) else { throw Self.grantNotFound }
        do {
            try await checkProof(request, boundTo: grant)
        } catch let error as RegistryError where error.code == .popVerificationFailed {
            throw Self.grantNotFound
        }
        return grant
    }

    /// `POST /v1/badges/dv/grants/{jti}/revoke`: revokes with a proof by the grant's key.
    public func revokeGrant(jti: String, _ request: GrantProofRequest) async throws -> DVGrant {
        _ = try await limiter.hit("dv:grant:ip:\(request.clientIP ?? "unknown")", policy.grantLookupRate, code: .dvRateLimitExceeded)
        guard let grant = try await lookupGrant(jti) else { throw Self.grantNotFound }
        try await checkProof(request, boundTo: grant)
        return try await revoke(grant, actor: "proof:jkt:\(grant.thumbprint)", details: [:])
    }

    /// Marks `grant` revoked and records `dv.grant.revoked` by `actor`, in one transaction;
    /// `grant_already_revoked` when it was (also when another request got there first).
    func revoke(_ grant: DVGrant, actor: String, details: [String: JSONValue]) async throws -> DVGrant {
        guard grant.revokedAt == nil else {
            throw RegistryError(.grantAlreadyRevoked, "grant was revoked at \(grant.revokedAt!)")
        }
        let now = clock.now()
        let revoked = try await store.inTransaction { tx -> Bool in
            guard try await tx.revokeDVGrant(jti: grant.jti, at: now) else { return false }
            try await tx.appendEvent(.make(
                "dv.grant.revoked", orgID: grant.orgID, actor: actor, subject: grant.jti,
                details: details.merging(["domain": .string(grant.domain)]) { mine, _ in mine }, at: now
            ))
            return true
        }
        guard revoked else { throw RegistryError(.grantAlreadyRevoked, "grant is already revoked") }
        var result = grant
        result.revokedAt = now
        return result
    }

    /// The status word of a grant at the current time.
    public func grantStatusWord(_ grant: DVGrant) -> String {
        if grant.revokedAt != nil { return "revoked" }
        return grant.isActive(at: clock.now()) ? "valid" : "expired"
    }

    func lookupGrant(_ jti: String) async throws -> DVGrant? {
        guard !jti.isEmpty, jti.utf8.count <= 100 else { return nil }
        return try await store.dvGrant(jti: jti)
    }

    /// CONTRACT.md §5.5 for grant endpoints: `typ` pop+jwt, EdDSA, key from header `jwk` or a
    /// `did:key` `kid`, its thumbprint equal to `cnf.jkt`, signature, `htm`/`htu`, optional `aud`
    /// (issuer origin or endpoint URL), `iat` within ±60 s, `exp` ≤ `iat` + 60, `jti` never replayed.
    func checkProof(_ request: GrantProofRequest, boundTo grant: DVGrant) async throws {
        guard let token = request.proof, !token.isEmpty else { throw Self.popFailed("a PoP proof is required as the Bearer token") }
        guard let jws = try? CompactJWS.parse(token) else { throw Self.popFailed("proof is not a compact JWS") }
        try StandaloneProof.checkHeader(jws)
        let key: PublicJWK
        if let jwk = jws.header["jwk"] {
            guard !PublicJWK.containsPrivateMembers(jwk), let parsed = try? PublicJWK(json: jwk) else {
                throw Self.popFailed("proof header jwk must be an Ed25519 public JWK")
            }
            key = parsed
        } else if let kid = jws.header["kid"]?.stringValue, kid.hasPrefix("did:key:"),
                  let parsed = try? DIDKey.publicKey(fromDID: String(kid.prefix { $0 != "#" })) {
            key = parsed
        } else {
            throw Self.popFailed("proof must carry its key as header jwk or a did:key kid")
        }
        guard key.thumbprint() == grant.thumbprint else { throw Self.popFailed("proof key does not match the grant's cnf.jkt") }
        guard jws.verify(with: key) else { throw Self.popFailed("proof signature does not verify") }

        let claims = jws.payload
        guard claims["htm"]?.stringValue == request.method else { throw Self.popFailed("proof htm does not match the request method") }
        let paths = Set([request.path, request.path.removingPercentEncoding ?? request.path])
        guard let htu = claims["htu"]?.stringValue, paths.contains(where: { issuer.origin + $0 == htu }) else {
            throw Self.popFailed("proof htu does not match this endpoint")
        }
        if claims["aud"] != nil {
            let accepted = [issuer.origin, htu]
            guard StandaloneProof.audiences(claims["aud"]).contains(where: accepted.contains) else {
                throw Self.popFailed("proof aud must be the issuer origin or this endpoint")
            }
        }
        try await StandaloneProof.checkFreshness(claims, now: clock.now(), skew: 60, namespace: "dvgrant:", store: store)
    }
}
