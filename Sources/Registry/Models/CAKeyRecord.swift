/// A CA signing key as the database knows it: public part and lifecycle state. The private key
/// never enters the database; it lives in the key files or environment (see `CAKeys`).
///
/// Rotation moves a key prepared → active → retired (after spire's CA slots). Exactly one key is
/// active at a time, shared by every server process.
public struct CAKeyRecord: Sendable, Equatable {
    public enum State: String, Sendable, CaseIterable {
        case prepared, active, retired
    }

    public var kid: String
    /// Compact public JWK JSON `{"crv","kty","x"}`.
    public var publicJWK: String
    public var state: State
    public var createdAt: Int64
    public var activatedAt: Int64?
    public var retiredAt: Int64?

    public init(kid: String, publicJWK: String, state: State, createdAt: Int64, activatedAt: Int64? = nil, retiredAt: Int64? = nil) {
        self.kid = kid
        self.publicJWK = publicJWK
        self.state = state
        self.createdAt = createdAt
        self.activatedAt = activatedAt
        self.retiredAt = retiredAt
    }
}
