import BadgeCore
import Foundation
import Testing

/// C2SP signed-note and tlog-checkpoint, checked against the vectors published with Go's
/// golang.org/x/mod/sumdb/note (an implementation that is not ours).
@Suite struct SignedNoteTests {
    static let goVerifierKey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
    /// The seed of Go's test key `PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz`.
    static let goSeed = Array(Base64Std.decode("AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz")!.dropFirst())
    static let goText = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
    static let goSignature = "\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
    static let goOtherSignature = "\u{2014} EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n"

    @Test func signsExactlyAsGoDoes() throws {
        let signer = try #require(NoteSigner(name: "PeterNeumann", key: try PrivateJWK(seed: Self.goSeed, kid: nil)))
        #expect(signer.verifierKey.description == Self.goVerifierKey)
        #expect(try signer.sign(Self.goText).serialized == Self.goText + "\n" + Self.goSignature)
    }

    @Test func parsesVerifierKeysAndRefusesBadOnes() {
        let key = NoteVerifierKey(Self.goVerifierKey)
        #expect(key?.name == "PeterNeumann")
        #expect(key?.keyID == 0xc74f20a3)
        for bad in [
            "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  // key id does not match
            "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  // upper-case hex
            "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  // unknown algorithm
            "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
            "PeterNeumann+c74f20a3", "+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "",
        ] {
            #expect(NoteVerifierKey(bad) == nil, "\(bad)")
        }
    }

    @Test func verifierKeysRoundTripWhateverTheirBase64Holds() throws {
        // 0xfb bytes make '+' and '/' appear in the key's base64.
        var seeds: [[UInt8]] = [Array(repeating: 0xfb, count: 32)]
        for n in 0..<30 {
            seeds.append((0..<32).map { (index: Int) -> UInt8 in UInt8(truncatingIfNeeded: index * 37 + n * 11) })
        }
        for seed in seeds {
            let signer = try #require(NoteSigner(name: "log.example/tlog", key: try PrivateJWK(seed: seed, kid: nil)))
            #expect(NoteVerifierKey(signer.verifierKey.description) == signer.verifierKey, "\(signer.verifierKey)")
        }
    }

    @Test func verifiesAndKeepsOtherSignatureLines() throws {
        let key = try #require(NoteVerifierKey(Self.goVerifierKey))
        // A cosignature by another key before or after ours does not stop verification.
        for note in [Self.goText + "\n" + Self.goSignature + Self.goOtherSignature, Self.goText + "\n" + Self.goOtherSignature + Self.goSignature] {
            let parsed = try #require(SignedNote.parse(note))
            #expect(parsed.signatures.count == 2)
            #expect(parsed.isSigned(by: key))
            #expect(parsed.serialized == note)
        }
        let onlyOther = try #require(SignedNote.parse(Self.goText + "\n" + Self.goOtherSignature))
        #expect(!onlyOther.isSigned(by: key))
        let changed = try #require(SignedNote.parse(Self.goText.replacingFirst("problem", "puzzle") + "\n" + Self.goSignature))
        #expect(!changed.isSigned(by: key))
    }

    @Test(arguments: [
        "no blank line\n\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
        "text\n\n", "text\n\n\u{2014} PeterNeumann x08go\n", "text\n\n- PeterNeumann AAAAAAAA\n",
        "text\n\n\u{2014} Bad Name AAAAAAAA\n", "text\n\n\u{2014} PeterNeumann AAAAAAAA", "te\u{7}xt\n\n\u{2014} PeterNeumann AAAAAAAA\n",
        // Found by the tlognote fuzz target: a last line ending in "\r\n" (one Swift Character) was
        // dropped with the final empty line, so the note parsed without it.
        "text\n\n\u{2014} PeterNeumann AAAAAAAA\n\u{2014} examp\r\n",
    ])
    func refusesMalformedNotes(_ note: String) {
        #expect(SignedNote.parse(note) == nil)
    }

    @Test func checkpointsRoundTripAndOpenOnlyWithTheLogKey() throws {
        let key = try PrivateJWK(seed: Array(repeating: 7, count: 32), kid: nil)
        let signer = try #require(NoteSigner(name: "example.com/tlog", key: key))
        let checkpoint = Checkpoint(origin: "example.com/tlog", size: 123_456_789_012, root: Merkle.leafHash([1, 2]))
        #expect(checkpoint.text.hasPrefix("example.com/tlog\n123456789012\n"))
        #expect(Checkpoint.parse(checkpoint.text) == checkpoint)
        let note = try signer.sign(checkpoint.text).serialized
        #expect(Checkpoint.open(note, verifier: signer.verifierKey) == checkpoint)
        #expect(Checkpoint.open(note + Self.goOtherSignature, verifier: signer.verifierKey) == checkpoint)
        // Another origin under the same key is refused: the key name is the origin.
        let other = try #require(NoteSigner(name: "other.example/tlog", key: key))
        let foreign = try other.sign(checkpoint.text).serialized
        #expect(Checkpoint.open(foreign, verifier: other.verifierKey) == nil)
        let withExtension = Checkpoint(origin: "o", size: 0, root: Merkle.emptyRoot, extensions: ["ext"])
        #expect(Checkpoint.parse(withExtension.text) == withExtension)
    }

    @Test(arguments: ["o\n01\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", "o\n-1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
                      "o\n1\nAAAA\n", "\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", "o\n1\n", "o\n99999999999999999999\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
                      "o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n", "o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="])
    func refusesMalformedCheckpoints(_ text: String) {
        #expect(Checkpoint.parse(text) == nil)
    }

    @Test func tlogProofsRoundTripAndVerify() throws {
        let key = try PrivateJWK(seed: Array(repeating: 9, count: 32), kid: nil)
        let signer = try #require(NoteSigner(name: "log.example/tlog", key: key))
        let entries = (0..<5).map { Array("entry \($0)".utf8) }
        let leaves = entries.map(Merkle.leafHash)
        let root = Merkle.root(ofLeafHashes: leaves[...])
        let note = try signer.sign(Checkpoint(origin: "log.example/tlog", size: 5, root: root).text).serialized
        let inclusion = try Merkle.inclusionProof(index: 3, size: 5, subtree: MerkleTests.subtree(leaves))
        let proof = TlogProof(index: 3, inclusion: inclusion, checkpoint: note)
        #expect(proof.text.hasPrefix("c2sp.org/tlog-proof@v1\nindex 3\n"))
        let parsed = try #require(TlogProof.parse(proof.text))
        #expect(parsed == proof)
        #expect(try parsed.verify(entry: entries[3], key: signer.verifierKey).get().size == 5)
        #expect(parsed.verify(entry: entries[2], key: signer.verifierKey) == .failure(.inclusion))
        let stranger = try #require(NoteSigner(name: "log.example/tlog", key: try PrivateJWK(seed: Array(repeating: 1, count: 32), kid: nil)))
        #expect(parsed.verify(entry: entries[3], key: stranger.verifierKey) == .failure(.checkpointSignature))
        let withExtra = TlogProof(index: 0, inclusion: [], checkpoint: note, extra: [1, 2, 3])
        #expect(TlogProof.parse(withExtra.text) == withExtra)
        #expect(TlogProof.parse("c2sp.org/tlog-proof@v1\nindex 03\n\n" + note) == nil)
        #expect(TlogProof.parse("c2sp.org/tlog-proof@v2\nindex 3\n\n" + note) == nil)
        #expect(TlogProof.parse("c2sp.org/tlog-proof@v1\nindex 3\nAAAA\n\n" + note) == nil)
    }

    @Test func logEntriesAreCanonicalJSON() {
        let entry = LogEntry(kind: .badge, jti: "j1", iss: "https://ca.example", sub: "did:web:a", kid: "k1", level: "1", ial: "0", iat: 10, exp: 20, token: "a.b.c")
        let text = String(decoding: entry.bytes, as: UTF8.self)
        #expect(text == #"{"exp":20,"ial":"0","iat":10,"iss":"https://ca.example","jti":"j1","kid":"k1","level":"1","sha256":"845e30448809e2bc8958eb025bfc795235d13b077a53d0c3abbd2385170dc9b8","sub":"did:web:a","type":"badge"}"#)
        let grant = LogEntry(kind: .dvGrant, jti: "g", iss: "i", sub: "example.com", kid: "k", level: nil, ial: nil, iat: 1, exp: 2, token: "t")
        #expect(!String(decoding: grant.bytes, as: UTF8.self).contains("level"))
        #expect(String(decoding: grant.bytes, as: UTF8.self).contains(#""type":"dv_grant""#))
    }

    /// `bytes` writes its members in a fixed order: it must be the sorted object's serialisation,
    /// with and without the optional members and with strings that need escaping.
    @Test(arguments: [("1", "0"), (nil, nil), ("4", nil), (nil, "1")] as [(String?, String?)])
    func logEntryBytesAreTheSortedObject(level: String?, ial: String?) {
        let entry = LogEntry(
            kind: .badge, jti: "j\"1\n", iss: "https://ca.example/\\", sub: "did:web:a\u{1}", kid: "k\u{e9}", level: level, ial: ial,
            iat: -3, exp: .max, token: "a.b.c"
        )
        var members: [String: JSONValue] = [
            "type": "badge", "jti": .string(entry.jti), "iss": .string(entry.iss), "sub": .string(entry.sub), "kid": .string(entry.kid),
            "iat": .int(entry.iat), "exp": .int(entry.exp), "sha256": .string(entry.sha256),
        ]
        if let level { members["level"] = .string(level) }
        if let ial { members["ial"] = .string(ial) }
        #expect(entry.bytes == JSONValue.object(members).serialized())
    }

    @Test func standardBase64IsStrict() {
        #expect(Base64Std.encode([0xfb, 0xff]) == "+/8=")
        #expect(Base64Std.decode("+/8=") == [0xfb, 0xff])
        for bad in ["-_8=", "+/8", "+/9=", "+/8==", "+/=8", "+/8=\n"] { #expect(Base64Std.decode(bad) == nil, "\(bad)") }
    }
}

extension String {
    func replacingFirst(_ target: String, _ replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
