import Crypto

/// An Ed25519 private key in JWK form, as stored for the CA signing key (CONTRACT §5.2).
public struct PrivateJWK: Sendable {
    /// Key id published in the JWKS and placed in badge headers; `nil` when the stored JWK had none.
    public let kid: String?
    /// The swift-crypto key, kept so signing does not re-derive the public key every time.
    private let key: Curve25519.Signing.PrivateKey
    /// The matching public key.
    public let publicKey: PublicJWK

    private init(key: Curve25519.Signing.PrivateKey, kid: String?) {
        self.key = key
        self.kid = kid
        // A swift-crypto key always has a 32-byte public representation.
        publicKey = try! PublicJWK(rawKey: Array(key.publicKey.rawRepresentation))
    }

    /// Generates a fresh random key.
    public static func generate(kid: String) -> PrivateJWK {
        PrivateJWK(key: Curve25519.Signing.PrivateKey(), kid: kid)
    }

    /// The key with the 32-byte Ed25519 seed `seed`.
    public init(seed: [UInt8], kid: String?) throws(BadgeCoreError) {
        guard seed.count == 32, let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed) else {
            throw BadgeCoreError(.invalidKey, "an Ed25519 seed is 32 bytes")
        }
        self.init(key: key, kid: kid)
    }

    /// Reads `{kty:"OKP", crv:"Ed25519", x, d, kid?}` and checks that `d` derives `x`, so a
    /// mismatched or hand-edited key file fails at load time rather than producing badges that
    /// no verifier accepts.
    public init(json: JSONValue) throws(BadgeCoreError) {
        let declared = try PublicJWK(json: json)
        guard let encoded = json["d"]?.stringValue, let seed = Base64URL.decode(encoded), seed.count == 32 else {
            throw BadgeCoreError(.invalidJWK, "d must be 32 base64url-encoded bytes")
        }
        guard let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed) else {
            throw BadgeCoreError(.invalidKey, "d is not a valid Ed25519 seed")
        }
        if let kid = json["kid"], kid.stringValue == nil {
            throw BadgeCoreError(.invalidJWK, "kid must be a string")
        }
        self.init(key: key, kid: json["kid"]?.stringValue)
        guard publicKey == declared else { throw BadgeCoreError(.invalidKey, "d does not derive x") }
    }

    /// `{kty, crv, x, d, kid?, alg:"EdDSA", use:"sig"}`; contains the secret, so store it with
    /// restrictive permissions.
    public func json() -> JSONValue {
        guard case .object(var members) = publicKey.json(kid: kid, alg: true, use: true) else {
            preconditionFailure("public JWK is always an object")
        }
        members["d"] = .string(Base64URL.encode(key.rawRepresentation))
        return .object(members)
    }

    /// Signs `message` with Ed25519 (RFC 8032, deterministic).
    public func sign(_ message: [UInt8]) throws(BadgeCoreError) -> [UInt8] {
        do {
            return Array(try key.signature(for: message))
        } catch {
            throw BadgeCoreError(.signingFailed, "Ed25519 signing failed: \(error)")
        }
    }
}
