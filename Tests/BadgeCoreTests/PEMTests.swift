import BadgeCore
import Testing

/// Ed25519 public keys in PEM, as capiscio-mcp (Python `cryptography`) writes them.
@Suite struct PEMTests {
    /// RFC 8410 §10.1: the example Ed25519 public key.
    static let rfc8410Public = """
        -----BEGIN PUBLIC KEY-----
        MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=
        -----END PUBLIC KEY-----
        """
    /// RFC 8410 §10.3: the example Ed25519 private key.
    static let rfc8410Private = """
        -----BEGIN PRIVATE KEY-----
        MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC
        -----END PRIVATE KEY-----
        """

    @Test("reads the RFC 8410 public key, with CRLF line ends and surrounding blanks too")
    func rfc8410() throws {
        let expected = "19bf44096984cdfe8541bac167dc3b96c85086aa30b6b6cb0c5c38ad703166e1"
        #expect(Base16.encode(try PublicJWK(pem: Self.rfc8410Public).x) == expected)
        let crlf = "\n  " + Self.rfc8410Public.split(separator: "\n").joined(separator: "\r\n") + "\r\n\n"
        #expect(Base16.encode(try PublicJWK(pem: crlf).x) == expected)
    }

    @Test("a generated key survives PEM", arguments: 0..<4)
    func roundTrip(_ run: Int) throws {
        let key = PrivateJWK.generate(kid: "k\(run)").publicKey
        #expect(key.pem.hasPrefix("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA"))
        #expect(try PublicJWK(pem: key.pem) == key)
    }

    @Test("refuses other labels, key types, lengths and encodings", arguments: [
        // The private key is not a public key.
        rfc8410Private,
        // X25519 (OID 1.3.101.110), same length.
        "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VuAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----",
        // One key byte short.
        "-----BEGIN PUBLIC KEY-----\nMCkwBQYDK2VwAyAAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZg==\n-----END PUBLIC KEY-----",
        // Trailing DER bytes.
        "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuEAAA==\n-----END PUBLIC KEY-----",
        // Not base64; mismatched footer; no body; base64url alphabet.
        "-----BEGIN PUBLIC KEY-----\nMCow!QYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----",
        "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PRIVATE KEY-----",
        "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----",
        "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\nextra",
        "",
    ])
    func refuses(_ pem: String) {
        #expect(throws: BadgeCoreError.self) { try PublicJWK(pem: pem) }
    }

    @Test("an over-long text is refused before decoding")
    func overlong() {
        let long = "-----BEGIN PUBLIC KEY-----\n" + String(repeating: "A", count: 5000) + "\n-----END PUBLIC KEY-----"
        #expect(throws: BadgeCoreError(.invalidKey, "PEM text is too long")) { try PublicJWK(pem: long) }
    }

    @Test("private key PEM is recognised in every common label")
    func privateKeys() {
        #expect(PublicJWK.isPrivateKeyPEM(Self.rfc8410Private))
        #expect(PublicJWK.isPrivateKeyPEM("-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn==\n-----END OPENSSH PRIVATE KEY-----"))
        #expect(PublicJWK.isPrivateKeyPEM("-----BEGIN ENCRYPTED PRIVATE KEY-----\nx\n-----END ENCRYPTED PRIVATE KEY-----"))
        #expect(!PublicJWK.isPrivateKeyPEM(Self.rfc8410Public))
    }
}
