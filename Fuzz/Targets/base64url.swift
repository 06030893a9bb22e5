// Base64URL.decode: unpadded base64url, canonical encodings only.
// Sources: Sources/BadgeCore/Base64URL.swift
//
// Properties:
// - anything decode accepts re-encodes to exactly the input (one accepted spelling per byte string);
// - the String and raw-buffer decoders agree;
// - encode → decode returns the input bytes, with the documented encoded length.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBase64URL(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = inputBuffer(data, size)
    let decoded = Base64URL.decode(input)
    if let decoded {
        require(Base64URL.encode(decoded).utf8.elementsEqual(input), "accepted a non-canonical encoding")
    }
    if let text = String(validating: input, as: UTF8.self) {
        require(Base64URL.decode(text) == decoded, "String and buffer decoders disagree")
    }
    let encoded = Base64URL.encode(input)
    require(encoded.utf8.count == Base64URL.encodedLength(size), "encodedLength is wrong")
    require(Base64URL.decode(encoded) == Array(input), "encode → decode lost bytes")
    return 0
}
