import Testing
@testable import BadgeCore

struct JWSTests {
    /// RFC 8037 Appendix A.4.
    static let rfcSigningInput = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc"
    static let rfcSignature = "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"

    @Test("RFC 8037 A.4: Ed25519 signing reproduces the RFC's exact JWS")
    func rfc8037Sign() async throws {
        let signer = Ed25519Signer(key: try PrivateJWK(json: RFC8037.privateJWK))
        let token = try await JWS.sign(
            headerSegment: JWS.headerSegment(["alg": "EdDSA"]),
            payload: Array("Example of Ed25519 signing".utf8), signer: signer)
        #if canImport(CryptoKit)
        // Apple's CryptoKit randomizes Ed25519 signatures, so only verification is portable.
        #expect(token.hasPrefix(Self.rfcSigningInput + "."))
        #else
        #expect(token == Self.rfcSigningInput + "." + Self.rfcSignature)
        #endif
    }

    @Test("RFC 8037 A.5: the RFC's signature verifies under the public key")
    func rfc8037Verify() throws {
        let key = try PublicJWK(json: RFC8037.publicJWK)
        let signature = try #require(Base64URL.decode(Self.rfcSignature))
        #expect(key.verify(signature: signature, message: Array(Self.rfcSigningInput.utf8)))
        #expect(!key.verify(signature: signature, message: Array((Self.rfcSigningInput + "x").utf8)))
        #expect(!PrivateJWK.generate(kid: "x").publicKey.verify(signature: signature, message: Array(Self.rfcSigningInput.utf8)))
        // Its payload is plain text, which CompactJWS (JSON payloads only) refuses.
        #expect(throws: JWSError.self) { try CompactJWS.parse(Self.rfcSigningInput + "." + Self.rfcSignature) }
    }

    @Test("CompactJWS exposes segments, signing input and verifies")
    func parsedParts() async throws {
        let key = PrivateJWK.generate(kid: "ca-1")
        let token = try await JWS.sign(header: ["alg": "EdDSA"], payload: ["a": 1], signer: Ed25519Signer(key: key))
        let parts = token.split(separator: ".").map(String.init)
        let jws = try CompactJWS.parse(token)
        #expect(jws.headerSegment == parts[0])
        #expect(jws.payloadSegment == parts[1])
        #expect(jws.signingInput == Array((parts[0] + "." + parts[1]).utf8))
        #expect(jws.signature == Base64URL.decode(parts[2]))
        #expect(jws.verify(with: key.publicKey))
        #expect(!jws.verify(with: PrivateJWK.generate(kid: "x").publicKey))
    }

    @Test("sign(header:payload:) output parses back and verifies")
    func signAndParse() async throws {
        let key = PrivateJWK.generate(kid: "ca-1")
        let payload: JSONValue = ["sub": "did:key:z", "n": 1]
        let token = try await JWS.sign(header: ["alg": "EdDSA", "typ": "JWT", "kid": "ca-1"], payload: payload, signer: Ed25519Signer(key: key))
        let jws = try CompactJWS.parse(token)
        #expect(jws.payload == payload)
        #expect(jws.header["kid"] == "ca-1")
        #expect(jws.verify(with: key.publicKey))
    }

    @Test("signer kid defaults to the key's kid")
    func signerKID() {
        let key = PrivateJWK.generate(kid: "ca-7")
        #expect(Ed25519Signer(key: key).kid == "ca-7")
        #expect(Ed25519Signer(key: key, kid: "override").kid == "override")
    }

    static let header = Base64URL.encode(Array(#"{"alg":"EdDSA"}"#.utf8))
    static let payload = Base64URL.encode(Array(#"{"a":1}"#.utf8))
    static let sig = Base64URL.encode([UInt8](repeating: 7, count: 64))

    @Test("parse rejects malformed tokens", arguments: [
        "\(header).\(payload)",
        "\(header).\(payload).\(sig).\(sig)",
        "\(header).\(payload).",
        ".\(payload).\(sig)",
        "\(header)..\(sig)",
        "\(header).\(payload).\(sig)=",
        "\(header).\(payload)+.\(sig)",
        "\(Base64URL.encode(Array("[1]".utf8))).\(payload).\(sig)",
        "\(header).\(Base64URL.encode(Array("\"s\"".utf8))).\(sig)",
        "\(header).\(Base64URL.encode(Array("{bad".utf8))).\(sig)",
        "\(Base64URL.encode(Array(#"{"alg":"EdDSA","crit":["exp"]}"#.utf8))).\(payload).\(sig)",
        "",
    ])
    func parseRejects(_ token: String) {
        let error = #expect(throws: JWSError.self) { try CompactJWS.parse(token) }
        #expect(error?.code == .malformedJWS)
    }

    @Test("parse enforces the size cap")
    func sizeCap() {
        let big = Base64URL.encode(Array(("{\"a\":\"" + String(repeating: "x", count: 20_000) + "\"}").utf8))
        #expect(throws: JWSError.self) { try CompactJWS.parse("\(Self.header).\(big).\(Self.sig)") }
    }
}
