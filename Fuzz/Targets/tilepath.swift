// TilePath.parse and EntryBundle.decode: paths below /tlog/tile/ and entry bundles (C2SP tlog-tiles).
// Sources: Sources/BadgeCore/Tlog/TilePath.swift
//
// Properties:
// - an accepted path formats back to exactly the input (one spelling per tile), with a level in
//   0…63, a non-negative index and a width in 1…256;
// - `exists(inTreeOf:)` never traps, whatever the index and tree size;
// - an accepted bundle re-encodes to exactly the input.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTilePath(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = inputBuffer(data, size)
    let text = String(decoding: input, as: UTF8.self)
    if let path = TilePath.parse(Substring(text)) {
        require(path.description == text, "accepted a second spelling: \(text) formats as \(path.description)")
        require(path.level.map { (0...63).contains($0) } ?? true, "level out of range")
        require(path.index >= 0 && (1...256).contains(path.width), "index or width out of range")
        for tree: Int64 in [0, 1, 255, 256, 65_536, Int64.max] { _ = path.exists(inTreeOf: tree) }
    }
    let bytes = Array(input)
    if let entries = EntryBundle.decode(bytes) {
        require(EntryBundle.encode(entries) == bytes, "bundle does not re-encode to its input")
    }
    return 0
}
