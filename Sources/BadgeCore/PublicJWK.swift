import Crypto

/// An Ed25519 public key in its JWK form (`kty:"OKP"`, `crv:"Ed25519"`, RFC 8037).
///
/// Equality and hashing are over the raw 32 key bytes, which is how RFC-002 §7.2.7 compares keys
/// arriving in different encodings (JWK `x`, `publicKeyMultibase`, `did:key`).
public struct PublicJWK: Sendable, Hashable {
    /// The raw 32-byte Ed25519 public key.
    public let x: [UInt8]

    /// Wraps a raw Ed25519 public key; throws ``BadgeCoreError/Code/invalidKey`` unless it is 32 bytes.
    public init(rawKey: [UInt8]) throws(BadgeCoreError) {
        guard rawKey.count == 32 else {
            throw BadgeCoreError(.invalidKey, "Ed25519 public key must be 32 bytes, got \(rawKey.count)")
        }
        x = rawKey
    }

    /// Reads a public JWK object.
    ///
    /// Requires `kty:"OKP"`, `crv:"Ed25519"` and an `x` that base64url-decodes to 32 bytes.
    /// `kid`, `alg`, `use` and other members are ignored, and a private `d` is dropped: whether a
    /// private member is an error depends on context, so callers test
    /// ``containsPrivateMembers(_:)`` themselves.
    public init(json: JSONValue) throws(BadgeCoreError) {
        guard case .object = json else { throw BadgeCoreError(.invalidJWK, "JWK must be an object") }
        guard json["kty"]?.stringValue == "OKP" else { throw BadgeCoreError(.invalidJWK, "kty must be OKP") }
        guard json["crv"]?.stringValue == "Ed25519" else {
            throw BadgeCoreError(.invalidJWK, "crv must be Ed25519")
        }
        guard let encoded = json["x"]?.stringValue, let raw = Base64URL.decode(encoded), raw.count == 32 else {
            throw BadgeCoreError(.invalidJWK, "x must be 32 base64url-encoded bytes")
        }
        x = raw
    }

    /// Whether a JWK object carries private key material (`d`, or the RSA/EC private members).
    public static func containsPrivateMembers(_ json: JSONValue) -> Bool {
        guard let members = json.objectValue else { return false }
        return ["d", "p", "q", "dp", "dq", "qi", "oth", "k"].contains { members[$0] != nil }
    }

    /// `{"crv":"Ed25519","kty":"OKP","x":…}`.
    public var json: JSONValue {
        .object(["kty": "OKP", "crv": "Ed25519", "x": .string(Base64URL.encode(x))])
    }

    /// The public JWK with optional `kid`, `alg:"EdDSA"` and `use:"sig"` members, as published in
    /// a JWKS.
    public func json(kid: String?, alg: Bool, use: Bool) -> JSONValue {
        var members: [String: JSONValue] = ["kty": "OKP", "crv": "Ed25519", "x": .string(Base64URL.encode(x))]
        if let kid { members["kid"] = .string(kid) }
        if alg { members["alg"] = "EdDSA" }
        if use { members["use"] = "sig" }
        return .object(members)
    }

    /// RFC 7638 thumbprint: base64url(SHA-256(`{"crv":"Ed25519","kty":"OKP","x":"…"}`)), no prefix.
    public func thumbprint() -> String {
        // The required members in lexicographic order are fixed for OKP keys, so the canonical
        // form is assembled directly rather than through a generic serializer.
        var canonical = Array(#"{"crv":"Ed25519","kty":"OKP","x":""#.utf8)
        x.withUnsafeBufferPointer { Base64URL.encode($0, into: &canonical) }
        canonical.append(contentsOf: #""}"#.utf8)
        return Base64URL.encode(SHA256.hash(data: canonical))
    }

    /// Multibase form used by `did:key` and `publicKeyMultibase`: `z` + base58btc(`0xED 0x01` ‖ key).
    public var multibase: String {
        "z" + Base58.encode(Multicodec.ed25519PublicKey + x)
    }

    /// Decodes a `publicKeyMultibase` value (`z`, multicodec `0xED 0x01`, 32 key bytes).
    public init(multibase: String) throws(BadgeCoreError) {
        let notBase58 = BadgeCoreError(.invalidKey, "multibase key must be base58btc ('z')")
        let notEd25519 = BadgeCoreError(.invalidKey, "multibase key must be multicodec ed25519-pub (0xed01) + 32 bytes")
        guard multibase.hasPrefix("z") else { throw notBase58 }
        let digits = String(multibase.dropFirst())
        // Base58 decoding is quadratic in the length, and a did:web document (up to 64 KiB from
        // a host of the DID owner's choosing) may carry any string here: a 64 KiB value took
        // seconds of CPU. Longer than the longest encoding of 34 bytes cannot be a key, so it is
        // rejected without decoding, with the error decoding would have led to.
        guard digits.utf8.count <= Self.maxMultibaseDigits else {
            throw Base58.isEncoded(digits) ? notEd25519 : notBase58
        }
        guard let decoded = Base58.decode(digits) else { throw notBase58 }
        guard decoded.count == 34, decoded.starts(with: Multicodec.ed25519PublicKey) else { throw notEd25519 }
        x = Array(decoded[2...])
    }

    /// Base58 digits of the largest 34-byte value: ⌈272 / log2(58)⌉ = 47 (leading `1`s would be
    /// zero bytes, which the multicodec prefix excludes).
    static let maxMultibaseDigits = 47

    /// Verifies an Ed25519 signature over `message`.
    public func verify(signature: [UInt8], message: [UInt8]) -> Bool {
        guard signature.count == 64, let key = try? Curve25519.Signing.PublicKey(rawRepresentation: x) else {
            return false
        }
        return key.isValidSignature(signature, for: message)
    }
}

/// Multicodec prefixes used in multibase keys.
enum Multicodec {
    /// `ed25519-pub` (0xED) as an unsigned varint.
    static let ed25519PublicKey: [UInt8] = [0xED, 0x01]
}
