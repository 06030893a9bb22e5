import BadgeCore

/// Port: the CA's private key material, by kid. File/environment keys implement it today; an HSM
/// or KMS backend can implement it without touching issuance (after swift-certificates'
/// `CustomPrivateKey`).
public protocol CASigningKeys: Sendable {
    /// A signer for `kid`, or nil when this process holds no private key for it.
    func signer(kid: String) async throws -> (any JWSSigner)?
}

/// A DID resolver that caches documents and can forget one, so a document that failed a proof is
/// fetched afresh next time (RFC-003 §9.6).
public protocol DIDCacheInvalidating: Sendable {
    func invalidate(_ did: String)
}
