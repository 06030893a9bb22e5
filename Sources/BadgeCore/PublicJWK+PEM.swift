extension PublicJWK {
    /// The DER SubjectPublicKeyInfo of an Ed25519 key up to its 32 key bytes (RFC 8410 §4):
    /// SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING with no unused bits }.
    static let ed25519SPKIPrefix: [UInt8] = [0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00]

    /// Longest PEM text read: an Ed25519 public key block is about 113 characters.
    static let maxPEMLength = 1024

    /// Reads a PEM `PUBLIC KEY` block holding an Ed25519 SubjectPublicKeyInfo (RFC 7468 §13,
    /// RFC 8410), the form Python's `cryptography` and capiscio-mcp write. Any other label, key
    /// type or trailing data is refused.
    public init(pem: String) throws(BadgeCoreError) {
        let label = "PUBLIC KEY"
        guard pem.utf8.count <= Self.maxPEMLength else { throw BadgeCoreError(.invalidKey, "PEM text is too long") }
        let lines = pem.split(whereSeparator: \.isNewline).map(Self.trimmed).filter { !$0.isEmpty }
        guard lines.count >= 3, lines.first == "-----BEGIN \(label)-----", lines.last == "-----END \(label)-----" else {
            throw BadgeCoreError(.invalidKey, "PEM must be one -----BEGIN PUBLIC KEY----- block")
        }
        guard let der = Base64Std.decode(lines.dropFirst().dropLast().joined()) else {
            throw BadgeCoreError(.invalidKey, "PEM body is not padded standard base64")
        }
        guard der.count == Self.ed25519SPKIPrefix.count + 32, der.starts(with: Self.ed25519SPKIPrefix) else {
            throw BadgeCoreError(.invalidKey, "PEM does not hold an Ed25519 SubjectPublicKeyInfo")
        }
        try self.init(rawKey: Array(der.suffix(32)))
    }

    /// The key as a PEM `PUBLIC KEY` block (one base64 line; 44 bytes of DER fit in 64 columns).
    public var pem: String {
        "-----BEGIN PUBLIC KEY-----\n\(Base64Std.encode(Self.ed25519SPKIPrefix + x))\n-----END PUBLIC KEY-----\n"
    }

    private static func trimmed(_ line: Substring) -> String {
        var line = line
        while line.first?.isWhitespace == true { line.removeFirst() }
        while line.last?.isWhitespace == true { line.removeLast() }
        return String(line)
    }

    /// Whether `text` looks like PEM private key material (`PRIVATE KEY`, `ED25519 PRIVATE KEY`,
    /// `OPENSSH PRIVATE KEY`, …): callers refuse it rather than read a public key out of it.
    public static func isPrivateKeyPEM(_ text: String) -> Bool {
        text.contains("-----BEGIN") && text.contains("PRIVATE KEY-----")
    }
}
