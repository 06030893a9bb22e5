// GoDuration.seconds: Go's time.Duration text (badge TTLs from the capiscio Go client).
// Sources: Sources/BadgeCore/GoDuration.swift
//
// Properties:
// - an accepted duration is finite and within the documented ten-year cap;
// - a leading `-` negates and a leading `+` keeps the value of an unsigned duration.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGoDuration(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: inputBuffer(data, size), as: UTF8.self)
    guard let value = GoDuration.seconds(text) else { return 0 }
    let cap = Double(GoDuration.maxNanoseconds) / 1_000_000_000
    require(value.isFinite && value.magnitude <= cap, "\(value) s is outside the cap")
    if let first = text.unicodeScalars.first, first != "-", first != "+" {
        require(GoDuration.seconds("-" + text) == -value, "'-' does not negate")
        require(GoDuration.seconds("+" + text) == value, "'+' changes the value")
    }
    return 0
}
