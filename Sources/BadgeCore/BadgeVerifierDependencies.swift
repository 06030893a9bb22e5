/// Supplies issuer signing keys to ``BadgeVerifier``.
///
/// Implementations MUST return an empty array for issuers they do not trust and MUST NOT
/// dereference an untrusted `iss` (RFC-002 §8.4: fetching arbitrary issuer URLs is SSRF).
public protocol BadgeKeyResolver: Sendable {
    /// Keys of `issuer`; when `kid` is given, only the key(s) with that id.
    func keys(issuer: String, kid: String?) async throws -> [PublicJWK]
}

/// Resolves DID documents for the IAL-1 key binding check (RFC-002 §8.1 step 7).
public protocol DIDResolving: Sendable {
    /// The DID document of `did`; throws when it cannot be resolved.
    func resolve(_ did: String) async throws -> DIDDocument
}

/// Revocation and agent status source for registry-issued badges (RFC-002 §8.1 steps 8–9).
public protocol BadgeStatusChecking: Sendable {
    /// Whether the badge `jti` has been revoked.
    func isRevoked(jti: String) async throws -> Bool
    /// Whether the agent identified by `sub` is active.
    func isAgentActive(sub: String) async throws -> Bool
}

/// A signing key together with its JWKS `kid`.
public struct IssuerKey: Sendable, Hashable {
    /// Key id as published in the issuer's JWKS, if any.
    public let kid: String?
    /// The public key.
    public let key: PublicJWK

    /// Pairs a key with its id.
    public init(kid: String?, key: PublicJWK) {
        self.kid = kid
        self.key = key
    }
}

/// A fixed allowlist of issuers and their keys, e.g. the server's own CA key history.
public struct StaticBadgeKeyResolver: BadgeKeyResolver {
    /// Keys per trusted issuer, in preference order (active key first).
    public let issuers: [String: [IssuerKey]]

    /// Trusts exactly the given issuers.
    public init(issuers: [String: [IssuerKey]]) {
        self.issuers = issuers
    }

    /// All keys of a trusted issuer, or those matching `kid`; empty for unknown issuers.
    public func keys(issuer: String, kid: String?) -> [PublicJWK] {
        guard let keys = issuers[issuer] else { return [] }
        guard let kid else { return keys.map(\.key) }
        return keys.filter { $0.kid == kid }.map(\.key)
    }
}

/// Resolves `did:key` DIDs locally and fails for every other method.
public struct DIDKeyResolver: DIDResolving {
    /// Creates the resolver.
    public init() {}

    /// The derived `did:key` document.
    public func resolve(_ did: String) throws -> DIDDocument {
        try DIDKey.document(for: did)
    }
}
