/// Produces JWS signatures; `async` so HSM- or KMS-backed keys can implement it.
public protocol JWSSigner: Sendable {
    /// The `kid` placed in JWS headers for this key.
    var kid: String { get }
    /// Returns the raw signature over `message` (for EdDSA, 64 bytes).
    func sign(_ message: [UInt8]) async throws -> [UInt8]
}

/// A ``JWSSigner`` backed by an in-memory Ed25519 ``PrivateJWK``.
public struct Ed25519Signer: JWSSigner {
    /// The private key.
    public let key: PrivateJWK
    /// The header `kid`.
    public let kid: String

    /// Wraps `key`; `kid` defaults to the key's own `kid` (empty when it has none).
    public init(key: PrivateJWK, kid: String? = nil) {
        self.key = key
        self.kid = kid ?? key.kid ?? ""
    }

    /// Signs synchronously; Ed25519 is fast enough that hopping executors would cost more.
    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        try key.sign(message)
    }
}
