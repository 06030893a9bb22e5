/// A C2SP tlog-checkpoint body: origin, tree size, base64 root hash, optional extension lines.
public struct Checkpoint: Sendable, Equatable {
    public let origin: String
    public let size: Int64
    public let root: Merkle.Hash
    public let extensions: [String]

    public init(origin: String, size: Int64, root: Merkle.Hash, extensions: [String] = []) {
        self.origin = origin
        self.size = size
        self.root = root
        self.extensions = extensions
    }

    /// The note text the log signs.
    public var text: String {
        ([origin, String(size), Base64Std.encode(root)] + extensions).map { $0 + "\n" }.joined()
    }

    /// Parses a checkpoint body; nil when malformed (size with leading zeros or out of range,
    /// root not 32 bytes, empty lines).
    public static func parse(_ text: String) -> Checkpoint? {
        guard text.hasSuffix("\n") else { return nil }
        let lines = SignedNote.byteLines(Array(text.utf8).dropLast())
        guard lines.count >= 3, !lines[0].isEmpty, lines.allSatisfy({ !$0.isEmpty }) else { return nil }
        guard lines[1].utf8.allSatisfy({ (0x30...0x39).contains($0) }), lines[1] == "0" || !lines[1].hasPrefix("0"),
              let size = Int64(lines[1]) else { return nil }
        guard let root = Base64Std.decode(lines[2]), root.count == 32 else { return nil }
        return Checkpoint(origin: lines[0], size: size, root: root, extensions: Array(lines[3...]))
    }

    /// Parses a signed checkpoint and checks it is signed by `key` under this origin.
    public static func open(_ note: String, verifier key: NoteVerifierKey) -> Checkpoint? {
        guard let signed = SignedNote.parse(note), signed.isSigned(by: key),
              let checkpoint = parse(signed.text), checkpoint.origin == key.name else { return nil }
        return checkpoint
    }
}
