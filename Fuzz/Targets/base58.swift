// Base58.decode: base58btc, as in multibase `z` keys and did:key.
// Sources: Sources/BadgeCore/Base58.swift
//
// Properties:
// - anything decode accepts re-encodes to exactly the input (leading `1`s are leading zero bytes);
// - encode → decode returns the input bytes.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBase58(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = inputBuffer(data, size)
    let text = String(decoding: input, as: UTF8.self)
    if let decoded = Base58.decode(text) {
        require(Base58.encode(decoded) == text, "accepted a non-canonical encoding")
    }
    let bytes = Array(input)
    require(Base58.decode(Base58.encode(bytes)) == bytes, "encode → decode lost bytes")
    return 0
}
