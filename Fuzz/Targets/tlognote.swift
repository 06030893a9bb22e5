// SignedNote.parse, Checkpoint.parse, TlogProof.parse and NoteVerifierKey: the signed notes,
// checkpoints, proof files and verifier keys that `insignia log` reads from the network or a user.
// Sources: Sources/BadgeCore/*.swift Sources/BadgeCore/Tlog/*.swift
// Needs: Crypto
//
// Properties:
// - an accepted note, checkpoint or proof serialises back to exactly the input;
// - an accepted verifier key formats back to the input;
// - a fuzzed note never verifies under a fixed key.

private let fixedKey = NoteVerifierKey(name: "fuzz.example/tlog", publicKey: [UInt8](repeating: 0x42, count: 32))!

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTlogNote(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(inputBuffer(data, size))
    let text = String(decoding: bytes, as: UTF8.self)
    // Only valid UTF-8 can round-trip.
    guard Array(text.utf8) == bytes else { return 0 }
    if let note = SignedNote.parse(text) {
        require(note.serialized == text, "note does not serialise to its input")
        require(!note.isSigned(by: fixedKey), "a fuzzed note verified")
    }
    if let checkpoint = Checkpoint.parse(text) {
        require(checkpoint.text == text, "checkpoint does not serialise to its input")
    }
    if let proof = TlogProof.parse(text) {
        require(proof.text == text, "proof does not serialise to its input")
    }
    if let key = NoteVerifierKey(text) {
        require(key.description == text, "verifier key does not format to its input")
    }
    return 0
}
