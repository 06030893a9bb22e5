/// A C2SP tlog-proof (`c2sp.org/tlog-proof@v1`): the entry index, its inclusion proof and the
/// signed checkpoint it leads to, verifiable offline.
public struct TlogProof: Sendable, Equatable {
    static let header = "c2sp.org/tlog-proof@v1"

    public let index: Int64
    public let inclusion: [Merkle.Hash]
    /// The signed checkpoint note, as the log served it.
    public let checkpoint: String
    /// Optional application data (`extra` line).
    public let extra: [UInt8]?

    public init(index: Int64, inclusion: [Merkle.Hash], checkpoint: String, extra: [UInt8]? = nil) {
        self.index = index
        self.inclusion = inclusion
        self.checkpoint = checkpoint
        self.extra = extra
    }

    public var text: String {
        var out = Self.header + "\n"
        if let extra { out += "extra \(Base64Std.encode(extra))\n" }
        out += "index \(index)\n"
        out += inclusion.map { Base64Std.encode($0) + "\n" }.joined()
        return out + "\n" + checkpoint
    }

    /// Parses a proof file; nil when malformed.
    public static func parse(_ text: String) -> TlogProof? {
        let bytes = Array(text.utf8)
        guard let blank = SignedNote.blankLine(in: bytes, last: false) else { return nil }
        var lines = SignedNote.byteLines(bytes[..<blank])[...]
        guard lines.popFirst() == header else { return nil }
        var extra: [UInt8]?
        if let line = lines.first, line.hasPrefix("extra ") {
            guard let bytes = Base64Std.decode(String(line.dropFirst(6))) else { return nil }
            extra = bytes
            lines.removeFirst()
        }
        guard let line = lines.popFirst(), line.hasPrefix("index "), let digits = Optional(line.dropFirst(6)),
              digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }), digits == "0" || !digits.hasPrefix("0"),
              let index = Int64(digits) else { return nil }
        guard lines.count <= 63 else { return nil }
        var hashes: [Merkle.Hash] = []
        for line in lines {
            guard let hash = Base64Std.decode(String(line)), hash.count == 32 else { return nil }
            hashes.append(hash)
        }
        return TlogProof(index: index, inclusion: hashes, checkpoint: String(decoding: bytes[(blank + 2)...], as: UTF8.self), extra: extra)
    }

    /// Checks the checkpoint's signature by `key` and that `entry` is at `index` under its root.
    /// Returns the checkpoint, or which check failed.
    public func verify(entry: [UInt8], key: NoteVerifierKey) -> Result<Checkpoint, TlogProofFailure> {
        guard let checkpoint = Checkpoint.open(self.checkpoint, verifier: key) else { return .failure(.checkpointSignature) }
        guard Merkle.verifyInclusion(leafHash: Merkle.leafHash(entry), index: index, size: checkpoint.size, proof: inclusion, root: checkpoint.root) else {
            return .failure(.inclusion)
        }
        return .success(checkpoint)
    }
}

/// Why a tlog-proof did not verify.
public enum TlogProofFailure: Error, Sendable, Equatable {
    /// The checkpoint is malformed, not signed by the key, or of another origin.
    case checkpointSignature
    /// The inclusion proof does not lead from the entry to the checkpoint's root.
    case inclusion
}
