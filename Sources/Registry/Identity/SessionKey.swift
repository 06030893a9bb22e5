import BadgeCore
import Crypto
import Foundation
import _CryptoExtras

/// A public key that may verify dashboard session tokens, bound to exactly one JWS algorithm, so
/// a token can never choose how its signature is checked (no `none`, no HMAC, no alg/key confusion).
public enum SessionKey: Sendable {
    /// RSA, `RS256` (PKCS#1 v1.5 with SHA-256). At least 2048 bits.
    case rsa(_RSA.Signing.PublicKey)
    /// P-256, `ES256` (raw `r‖s` signatures).
    case p256(P256.Signing.PublicKey)
    /// Ed25519, `EdDSA`.
    case ed25519(PublicJWK)

    /// The only `alg` this key verifies.
    public var algorithm: String {
        switch self {
        case .rsa: "RS256"
        case .p256: "ES256"
        case .ed25519: "EdDSA"
        }
    }

    /// Whether `signature` over `message` verifies under this key with its algorithm.
    public func verify(signature: [UInt8], message: [UInt8]) -> Bool {
        switch self {
        case .rsa(let key):
            return key.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: signature), for: SHA256.hash(data: message), padding: .insecurePKCS1v1_5
            )
        case .p256(let key):
            guard signature.count == 64, let parsed = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(parsed, for: message)
        case .ed25519(let key):
            return key.verify(signature: signature, message: message)
        }
    }

    /// Reads a public JWK (`RSA`, `EC` P-256 or `OKP` Ed25519). A JWK that names an `alg` other than
    /// the one its key type implies, or that is meant for encryption, is refused.
    public init(jwk: JSONValue) throws(SessionKeyError) {
        if let use = jwk["use"]?.stringValue, use != "sig" { throw SessionKeyError("key is not for signatures (use=\(use))") }
        func bytes(_ name: String) throws(SessionKeyError) -> [UInt8] {
            guard let text = jwk[name]?.stringValue, let value = Base64URL.decode(text), !value.isEmpty else {
                throw SessionKeyError("JWK member '\(name)' is missing or not base64url")
            }
            return value
        }
        switch jwk["kty"]?.stringValue {
        case "RSA":
            let n = try bytes("n"), e = try bytes("e")
            guard let key = try? _RSA.Signing.PublicKey(n: n, e: e) else { throw SessionKeyError("RSA key is invalid or shorter than 2048 bits") }
            self = .rsa(key)
        case "EC":
            guard jwk["crv"]?.stringValue == "P-256" else { throw SessionKeyError("only the P-256 curve is supported") }
            let x = try bytes("x"), y = try bytes("y")
            guard x.count == 32, y.count == 32, let key = try? P256.Signing.PublicKey(x963Representation: [0x04] + x + y) else {
                throw SessionKeyError("P-256 key is invalid")
            }
            self = .p256(key)
        case "OKP":
            guard let key = try? PublicJWK(json: jwk) else { throw SessionKeyError("Ed25519 key is invalid") }
            self = .ed25519(key)
        default:
            throw SessionKeyError("unsupported key type (kty must be RSA, EC or OKP)")
        }
        if let alg = jwk["alg"]?.stringValue, alg != algorithm {
            throw SessionKeyError("JWK alg '\(alg)' does not match its key type (\(algorithm))")
        }
    }

    /// Reads a PEM `PUBLIC KEY` (SubjectPublicKeyInfo: RSA, P-256 or Ed25519), as Clerk shows it
    /// for networkless verification. Literal `\n` sequences (common in environment files) count as
    /// line breaks.
    public init(pem: String) throws(SessionKeyError) {
        let text = pem.replacingOccurrences(of: "\\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("-----BEGIN PUBLIC KEY-----"), text.hasSuffix("-----END PUBLIC KEY-----") else {
            throw SessionKeyError("must be a PEM block starting with -----BEGIN PUBLIC KEY-----")
        }
        if let key = try? _RSA.Signing.PublicKey(pemRepresentation: text) {
            self = .rsa(key)
            return
        }
        if let key = try? P256.Signing.PublicKey(pemRepresentation: text) {
            self = .p256(key)
            return
        }
        let body = text.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        let ed25519Prefix: [UInt8] = [0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00]
        if let der = Data(base64Encoded: body).map(Array.init), der.count == 44, Array(der.prefix(12)) == ed25519Prefix,
           let key = try? PublicJWK(rawKey: Array(der.suffix(32))) {
            self = .ed25519(key)
            return
        }
        throw SessionKeyError("is not an RSA (2048 bits or more), P-256 or Ed25519 public key")
    }
}

/// Why a key could not be used.
public struct SessionKeyError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
