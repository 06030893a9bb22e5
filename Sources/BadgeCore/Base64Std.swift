/// Standard padded base64 (RFC 4648 §4), as C2SP checkpoints, signed notes and proofs use it.
/// Decoding is strict: padding is required and nothing but the alphabet is accepted.
public enum Base64Std {
    /// Encodes bytes as padded standard base64.
    public static func encode<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        let bytes = Array(bytes)
        var text = Array(Base64URL.encode(bytes).utf8)
        for index in text.indices {
            if text[index] == UInt8(ascii: "-") { text[index] = UInt8(ascii: "+") }
            if text[index] == UInt8(ascii: "_") { text[index] = UInt8(ascii: "/") }
        }
        while text.count % 4 != 0 { text.append(UInt8(ascii: "=")) }
        return String(decoding: text, as: UTF8.self)
    }

    /// Decodes padded standard base64; nil for anything else (url-safe characters, missing or
    /// misplaced padding, non-canonical trailing bits).
    public static func decode(_ string: String) -> [UInt8]? {
        let text = Array(string.utf8)
        guard text.count % 4 == 0 else { return nil }
        var body = text
        var padding = 0
        while padding < 2, body.last == UInt8(ascii: "=") {
            body.removeLast()
            padding += 1
        }
        var mapped: [UInt8] = []
        mapped.reserveCapacity(body.count)
        for byte in body {
            switch byte {
            case UInt8(ascii: "+"): mapped.append(UInt8(ascii: "-"))
            case UInt8(ascii: "/"): mapped.append(UInt8(ascii: "_"))
            case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "="): return nil
            default: mapped.append(byte)
            }
        }
        guard let decoded = Base64URL.decode(String(decoding: mapped, as: UTF8.self)) else { return nil }
        // Re-encoding catches non-canonical trailing bits the url decoder may tolerate.
        return encode(decoded) == string ? decoded : nil
    }
}
