import Testing
@testable import BadgeCore

/// RFC 8037 Appendix A key pair.
enum RFC8037 {
    static let d = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"
    static let x = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
    static let privateJWK: JSONValue = ["kty": "OKP", "crv": "Ed25519", "d": .string(d), "x": .string(x)]
    static let publicJWK: JSONValue = ["kty": "OKP", "crv": "Ed25519", "x": .string(x)]
}

struct PublicJWKTests {
    @Test("RFC 7638 thumbprint vector (RFC-002 §13.4, RFC 8037 A.3)")
    func thumbprint() throws {
        let key = try PublicJWK(json: RFC8037.publicJWK)
        #expect(key.thumbprint() == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k")
    }

    @Test("ignores kid/alg/use and silently drops d")
    func ignoresExtras() throws {
        let withExtras: JSONValue = ["kty": "OKP", "crv": "Ed25519", "x": .string(RFC8037.x), "kid": "k1", "alg": "EdDSA", "use": "sig"]
        #expect(try PublicJWK(json: withExtras) == PublicJWK(json: RFC8037.publicJWK))
        let key = try PublicJWK(json: RFC8037.privateJWK)
        #expect(key.json == RFC8037.publicJWK)
        #expect(PublicJWK.containsPrivateMembers(RFC8037.privateJWK))
        #expect(!PublicJWK.containsPrivateMembers(RFC8037.publicJWK))
    }

    @Test("rejects wrong kty, crv, and x encodings", arguments: [
        ["kty": "EC", "crv": "Ed25519", "x": .string(RFC8037.x)],
        ["kty": "OKP", "crv": "X25519", "x": .string(RFC8037.x)],
        ["kty": "OKP", "crv": "Ed25519"],
        ["kty": "OKP", "crv": "Ed25519", "x": "AAAA"],
        ["kty": "OKP", "crv": "Ed25519", "x": .string(RFC8037.x + "=")],
        ["kty": "OKP", "crv": "Ed25519", "x": 5],
        "not an object",
    ] as [JSONValue])
    func rejects(_ json: JSONValue) {
        #expect(throws: BadgeCoreError.self) { try PublicJWK(json: json) }
    }

    @Test("rawKey must be 32 bytes")
    func rawKeyLength() throws {
        #expect(throws: BadgeCoreError.self) { try PublicJWK(rawKey: [UInt8](repeating: 1, count: 31)) }
        #expect(try PublicJWK(rawKey: [UInt8](repeating: 1, count: 32)).x.count == 32)
    }

    @Test("json(kid:alg:use:) adds JWKS members")
    func jwksForm() throws {
        let key = try PublicJWK(json: RFC8037.publicJWK)
        #expect(key.json(kid: "ca-1", alg: true, use: true) == ["kty": "OKP", "crv": "Ed25519", "x": .string(RFC8037.x), "kid": "ca-1", "alg": "EdDSA", "use": "sig"])
        #expect(key.json(kid: nil, alg: false, use: false) == key.json)
    }

    @Test("multibase round trip and rejects")
    func multibase() throws {
        let key = try PublicJWK(json: RFC8037.publicJWK)
        #expect(key.multibase == "z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw")
        #expect(try PublicJWK(multibase: key.multibase) == key)
        #expect(throws: BadgeCoreError.self) { try PublicJWK(multibase: "6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw") }
        #expect(throws: BadgeCoreError.self) { try PublicJWK(multibase: "z" + Base58.encode([0xEC, 0x01] + key.x)) }
    }

    /// Fuzzing (Fuzz/Targets/jwk.swift, see FUZZING.md): a did:web document may carry a 64 KiB
    /// publicKeyMultibase, and base58 decoding is quadratic, so one such value cost seconds of CPU.
    @Test("an over-long multibase value is rejected quickly, with the same errors as before")
    func overlongMultibase() throws {
        for x in [[UInt8](repeating: 0, count: 32), [UInt8](repeating: 0xFF, count: 32)] {
            // Every ed25519-pub multibase key is "z" and 47 digits: longer cannot be a key.
            #expect(try PublicJWK(rawKey: x).multibase.utf8.count == 48)
        }
        let digits = String(repeating: "2", count: 64 * 1024)
        var messages: [String] = []
        let elapsed = ContinuousClock().measure {
            for text in ["z" + digits, "z" + digits + "0"] {
                do throws(BadgeCoreError) { _ = try PublicJWK(multibase: text) } catch { messages.append(error.message) }
            }
        }
        #expect(elapsed < .seconds(1))
        #expect(messages == [
            "multibase key must be multicodec ed25519-pub (0xed01) + 32 bytes",
            "multibase key must be base58btc ('z')",
        ])
    }
}

struct PrivateJWKTests {
    @Test("loads the RFC 8037 key and derives its public key")
    func load() throws {
        let key = try PrivateJWK(json: RFC8037.privateJWK)
        #expect(key.publicKey == (try PublicJWK(json: RFC8037.publicJWK)))
        #expect(key.kid == nil)
    }

    @Test("rejects a d that does not derive x")
    func mismatch() throws {
        let other = PrivateJWK.generate(kid: "other")
        let json: JSONValue = ["kty": "OKP", "crv": "Ed25519", "d": .string(RFC8037.d), "x": other.publicKey.json["x"]!]
        let error = #expect(throws: BadgeCoreError.self) { try PrivateJWK(json: json) }
        #expect(error?.code == .invalidKey)
    }

    @Test("rejects missing or malformed d")
    func missingD() {
        #expect(throws: BadgeCoreError.self) { try PrivateJWK(json: RFC8037.publicJWK) }
        let shortD: JSONValue = ["kty": "OKP", "crv": "Ed25519", "d": "AAAA", "x": .string(RFC8037.x)]
        #expect(throws: BadgeCoreError.self) { try PrivateJWK(json: shortD) }
    }

    @Test("json() round trips with kid, alg and use")
    func roundTrip() throws {
        let key = PrivateJWK.generate(kid: "capiscio-ca-1767225600")
        let json = key.json()
        #expect(json["alg"] == "EdDSA")
        #expect(json["use"] == "sig")
        #expect(json["kid"] == "capiscio-ca-1767225600")
        let loaded = try PrivateJWK(json: json)
        #expect(loaded.kid == key.kid)
        #expect(loaded.publicKey == key.publicKey)
        let message = Array("hello".utf8)
        #expect(key.publicKey.verify(signature: try loaded.sign(message), message: message))
    }

    @Test("signatures verify only for the right key and message")
    func signVerify() throws {
        let key = PrivateJWK.generate(kid: "a")
        let message = Array("badge".utf8)
        let signature = try key.sign(message)
        #expect(signature.count == 64)
        #expect(key.publicKey.verify(signature: signature, message: message))
        #expect(!key.publicKey.verify(signature: signature, message: Array("badgf".utf8)))
        #expect(!PrivateJWK.generate(kid: "b").publicKey.verify(signature: signature, message: message))
        #expect(!key.publicKey.verify(signature: Array(signature.dropLast()), message: message))
    }
}
