import Crypto

/// C2SP signed-note: a UTF-8 text ending in a newline, a blank line, then one or more signature
/// lines `— <name> <base64(key id ‖ signature)>`. Only Ed25519 (signature type 0x01) is signed
/// and verified here; lines by other keys (witness cosignatures, other algorithms) are kept and
/// ignored, so checkpoints can carry cosignatures later.
public struct SignedNote: Sendable, Equatable {
    /// The signed text, ending in a newline.
    public let text: String
    public let signatures: [Signature]

    /// One signature line.
    public struct Signature: Sendable, Equatable {
        public let name: String
        public let keyID: UInt32
        public let signature: [UInt8]

        /// `— <name> <base64>` without the newline.
        public var line: String {
            let id: [UInt8] = [UInt8(keyID >> 24), UInt8(keyID >> 16 & 0xff), UInt8(keyID >> 8 & 0xff), UInt8(keyID & 0xff)]
            return "\u{2014} \(name) \(Base64Std.encode(id + signature))"
        }
    }

    /// At most this many signature lines are read (Go's sumdb/note uses the same bound).
    static let maxSignatures = 100

    public init(text: String, signatures: [Signature]) {
        self.text = text
        self.signatures = signatures
    }

    /// The note as served: text, blank line, signature lines.
    public var serialized: String {
        text + "\n" + signatures.map { $0.line + "\n" }.joined()
    }

    /// Parses a signed note; nil when malformed.
    public static func parse(_ note: String) -> SignedNote? {
        let bytes = Array(note.utf8)
        guard bytes.last == 0x0a, let split = blankLine(in: bytes, last: true) else { return nil }
        let text = String(decoding: bytes[..<(split + 1)], as: UTF8.self)
        guard isValidText(text) else { return nil }
        let lines = byteLines(bytes[(split + 2)...]).dropLast()
        guard !lines.isEmpty, lines.count <= maxSignatures else { return nil }
        var signatures: [Signature] = []
        for line in lines {
            guard line.hasPrefix("\u{2014} ") else { return nil }
            let fields = line.dropFirst(2).split(separator: " ", omittingEmptySubsequences: false)
            guard fields.count == 2, NoteVerifierKey.isValidName(fields[0]),
                  let bytes = Base64Std.decode(String(fields[1])), bytes.count >= 5 else { return nil }
            let id = bytes[0..<4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            signatures.append(Signature(name: String(fields[0]), keyID: id, signature: Array(bytes[4...])))
        }
        return SignedNote(text: text, signatures: signatures)
    }

    /// `bytes` split at every newline byte, as text. Not `String.split(separator: "\n")`, which works
    /// on characters: "\r\n" is one character there, so a line ending in "\r" would hide the line
    /// break after it (the tlognote fuzz target found a note that lost a signature line that way).
    static func byteLines(_ bytes: ArraySlice<UInt8>) -> [String] {
        bytes.split(separator: 0x0a, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The offset of the first (or last) "\n\n" in `bytes`.
    static func blankLine(in bytes: [UInt8], last: Bool) -> Int? {
        let candidates = bytes.indices.dropLast()
        let isBlank = { (index: Int) in bytes[index] == 0x0a && bytes[index + 1] == 0x0a }
        return last ? candidates.last(where: isBlank) : candidates.first(where: isBlank)
    }

    /// UTF-8 text ending in a newline, without control characters other than newline.
    static func isValidText(_ text: String) -> Bool {
        text.hasSuffix("\n") && text.unicodeScalars.allSatisfy { $0 == "\n" || ($0.value >= 0x20 && $0.value != 0x7f) }
    }

    /// Whether a signature by `key` over the text verifies (other lines are ignored).
    public func isSigned(by key: NoteVerifierKey) -> Bool {
        signatures.contains { $0.name == key.name && $0.keyID == key.keyID && key.verify($0.signature, text: text) }
    }
}

/// An Ed25519 signed-note verifier key: `<name>+<hex key id>+<base64(0x01 ‖ public key)>`.
public struct NoteVerifierKey: Sendable, Equatable, CustomStringConvertible {
    public let name: String
    public let publicKey: [UInt8]

    /// The key id: the first 4 bytes (big-endian) of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key).
    public var keyID: UInt32 {
        var hasher = SHA256()
        hasher.update(data: Array(name.utf8) + [0x0a, 0x01] + publicKey)
        return Array(hasher.finalize()).prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }

    public init?(name: String, publicKey: [UInt8]) {
        guard Self.isValidName(Substring(name)), publicKey.count == 32 else { return nil }
        self.name = name
        self.publicKey = publicKey
    }

    /// Parses the verifier key text; nil when malformed or when the key id does not match.
    public init?(_ text: String) {
        // The key's base64 may itself contain '+': only the first two separate fields.
        let parts = text.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[1].utf8.count == 8, let id = UInt32(parts[1], radix: 16),
              parts[1].allSatisfy({ $0.isHexDigit && !$0.isUppercase }),
              let bytes = Base64Std.decode(String(parts[2])), bytes.count == 33, bytes[0] == 0x01,
              let key = NoteVerifierKey(name: String(parts[0]), publicKey: Array(bytes[1...])), key.keyID == id else { return nil }
        self = key
    }

    public var description: String {
        "\(name)+\(Base16.encode(UInt64(keyID), width: 8))+\(Base64Std.encode([0x01] + publicKey))"
    }

    /// Key names are non-empty and have no spaces, newlines or `+`.
    static func isValidName(_ name: Substring) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { $0.value > 0x20 && $0 != "+" && $0.value != 0x7f }
    }

    func verify(_ signature: [UInt8], text: String) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return key.isValidSignature(signature, for: Array(text.utf8))
    }
}

/// Signs notes with an Ed25519 key under a name (for a log, its origin).
public struct NoteSigner: Sendable {
    public let key: PrivateJWK
    public let verifierKey: NoteVerifierKey

    public init?(name: String, key: PrivateJWK) {
        guard let verifier = NoteVerifierKey(name: name, publicKey: key.publicKey.x) else { return nil }
        self.key = key
        self.verifierKey = verifier
    }

    /// Signs `text` (a valid note text ending in a newline).
    public func sign(_ text: String) throws -> SignedNote {
        guard SignedNote.isValidText(text) else { throw BadgeCoreError(.signingFailed, "note text must end in a newline and hold no control characters") }
        let signature = try key.sign(Array(text.utf8))
        return SignedNote(text: text, signatures: [.init(name: verifierKey.name, keyID: verifierKey.keyID, signature: signature)])
    }
}
