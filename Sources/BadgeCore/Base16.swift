/// Lower-case hexadecimal, written by table lookup: this runs on every authenticated request
/// (API-key hashes), where `String(format:)` per byte showed up in profiles.
public enum Base16 {
    private static let digits = Array("0123456789abcdef".utf8)

    public static func encode<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `value` as exactly `width` lower-case hex digits (leading zeros kept, high digits dropped).
    public static func encode(_ value: UInt64, width: Int) -> String {
        var out = [UInt8](repeating: UInt8(ascii: "0"), count: width)
        var rest = value
        for index in stride(from: width - 1, through: 0, by: -1) {
            out[index] = digits[Int(rest & 0x0f)]
            rest >>= 4
        }
        return String(decoding: out, as: UTF8.self)
    }
}
