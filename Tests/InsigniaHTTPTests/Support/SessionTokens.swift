import BadgeCore
import Crypto
import Foundation
import Registry
import _CryptoExtras

/// A locally generated signing key standing in for Clerk's.
enum TestSessionKey: Sendable {
    case rsa(_RSA.Signing.PrivateKey)
    case p256(P256.Signing.PrivateKey)
    case ed25519(Curve25519.Signing.PrivateKey)

    static func newRSA() -> TestSessionKey { .rsa(try! _RSA.Signing.PrivateKey(keySize: .bits2048)) }
    static func newP256() -> TestSessionKey { .p256(P256.Signing.PrivateKey()) }
    static func newEd25519() -> TestSessionKey { .ed25519(Curve25519.Signing.PrivateKey()) }

    var alg: String {
        switch self {
        case .rsa: "RS256"
        case .p256: "ES256"
        case .ed25519: "EdDSA"
        }
    }

    /// The public JWK as a JWKS lists it.
    func jwk(kid: String) -> JSONValue {
        switch self {
        case .rsa(let key):
            let primitives = try! key.publicKey.getKeyPrimitives()
            return [
                "kty": "RSA", "kid": .string(kid), "use": "sig", "alg": "RS256",
                "n": .string(Base64URL.encode(primitives.modulus)), "e": .string(Base64URL.encode(primitives.publicExponent)),
            ]
        case .p256(let key):
            let raw = Array(key.publicKey.x963Representation)
            return [
                "kty": "EC", "crv": "P-256", "kid": .string(kid), "use": "sig",
                "x": .string(Base64URL.encode(raw[1..<33])), "y": .string(Base64URL.encode(raw[33..<65])),
            ]
        case .ed25519(let key):
            return ["kty": "OKP", "crv": "Ed25519", "kid": .string(kid), "x": .string(Base64URL.encode(key.publicKey.rawRepresentation))]
        }
    }

    /// The public key in PEM (RSA and P-256; Ed25519 as SPKI by hand).
    var publicPEM: String {
        switch self {
        case .rsa(let key): return key.publicKey.pemRepresentation
        case .p256(let key): return key.publicKey.pemRepresentation
        case .ed25519(let key):
            let der: [UInt8] = [0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00] + Array(key.publicKey.rawRepresentation)
            return "-----BEGIN PUBLIC KEY-----\n\(Data(der).base64EncodedString())\n-----END PUBLIC KEY-----"
        }
    }

    func signature(_ message: [UInt8]) -> [UInt8] {
        switch self {
        case .rsa(let key): Array(try! key.signature(for: SHA256.hash(data: message), padding: .insecurePKCS1v1_5).rawRepresentation)
        case .p256(let key): Array(try! key.signature(for: message).rawRepresentation)
        case .ed25519(let key): Array(try! key.signature(for: message))
        }
    }

    /// A signed compact JWS; `alg` defaults to the key's own.
    func token(kid: String?, payload: JSONValue, alg: String? = nil) -> String {
        var header: [String: JSONValue] = ["alg": .string(alg ?? self.alg), "typ": "JWT"]
        if let kid { header["kid"] = .string(kid) }
        let input = JWS.headerSegment(.object(header)) + "." + Base64URL.encode(payload.serialized())
        return input + "." + Base64URL.encode(signature(Array(input.utf8)))
    }
}

/// Claims of a Clerk-like session token.
enum SessionClaimsFixture {
    static let issuer = "https://clerk.test.example"
    static let party = "https://dashboard.test.example"

    static func payload(
        sub: String, now: Int64, exp: Int64? = nil, nbf: Int64? = nil, iss: String = issuer, azp: String = party,
        org: (id: String, role: String)? = nil, compactOrg: Bool = false
    ) -> JSONValue {
        var claims: [String: JSONValue] = [
            "sub": .string(sub), "iss": .string(iss), "azp": .string(azp), "sid": "sess_1",
            "iat": .int(now - 1), "nbf": .int(nbf ?? now - 1), "exp": .int(exp ?? now + 60),
        ]
        if let org {
            if compactOrg {
                claims["o"] = ["id": .string(org.id), "rol": .string(org.role.replacingOccurrences(of: "org:", with: ""))]
                claims["v"] = 2
            } else {
                claims["org_id"] = .string(org.id)
                claims["org_role"] = .string(org.role)
            }
        }
        return .object(claims)
    }
}
