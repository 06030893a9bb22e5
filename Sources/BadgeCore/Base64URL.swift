/// Base64url without padding (RFC 4648 §5), as used by JOSE.
///
/// Hand-rolled because Foundation's base64 needs padding fix-ups and character replacement passes
/// that cost measurably on the badge signing hot path.
public enum Base64URL {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Maps an ASCII byte to its 6-bit value; 0xFF marks bytes outside the alphabet.
    private static let reverse: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        return table
    }()

    /// Encodes bytes as unpadded base64url.
    public static func encode<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        let encodeBuffer = { (buffer: UnsafeBufferPointer<UInt8>) -> String in
            var out: [UInt8] = []
            encode(buffer, into: &out)
            return String(decoding: out, as: UTF8.self)
        }
        return bytes.withContiguousStorageIfAvailable(encodeBuffer)
            ?? Array(bytes).withUnsafeBufferPointer(encodeBuffer)
    }

    /// Number of characters ``encode(_:)`` produces for `count` input bytes.
    static func encodedLength(_ count: Int) -> Int { (count * 4 + 2) / 3 }

    /// Appends the unpadded base64url encoding of `input` to `out`.
    ///
    /// Lets JWS assembly write all three segments into one buffer without intermediate strings.
    static func encode(_ input: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        out.reserveCapacity(out.count + encodedLength(input.count))
        alphabet.withUnsafeBufferPointer { table in
            var index = 0
            let count = input.count
            while index + 3 <= count {
                let chunk = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
                out.append(table[Int(chunk >> 18 & 0x3F)])
                out.append(table[Int(chunk >> 12 & 0x3F)])
                out.append(table[Int(chunk >> 6 & 0x3F)])
                out.append(table[Int(chunk & 0x3F)])
                index += 3
            }
            switch count - index {
            case 1:
                let chunk = UInt32(input[index]) << 16
                out.append(table[Int(chunk >> 18 & 0x3F)])
                out.append(table[Int(chunk >> 12 & 0x3F)])
            case 2:
                let chunk = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8
                out.append(table[Int(chunk >> 18 & 0x3F)])
                out.append(table[Int(chunk >> 12 & 0x3F)])
                out.append(table[Int(chunk >> 6 & 0x3F)])
            default:
                break
            }
        }
    }

    /// Decodes unpadded base64url.
    ///
    /// Returns `nil` for padding, whitespace, characters outside the alphabet, impossible lengths
    /// and non-zero trailing bits. Rejecting non-canonical encodings ensures every byte string has
    /// exactly one accepted spelling, so tokens cannot be altered without changing their bytes.
    public static func decode(_ string: String) -> [UInt8]? {
        var string = string
        return string.withUTF8 { decode($0) }
    }

    /// Decodes unpadded base64url from raw ASCII bytes; see ``decode(_:)``.
    static func decode(_ input: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        let count = input.count
        if count % 4 == 1 { return nil }
        var out = [UInt8]()
        out.reserveCapacity(count * 3 / 4)
        return reverse.withUnsafeBufferPointer { table -> [UInt8]? in
            var index = 0
            while index + 4 <= count {
                let a = table[Int(input[index])], b = table[Int(input[index + 1])]
                let c = table[Int(input[index + 2])], d = table[Int(input[index + 3])]
                if (a | b | c | d) & 0xC0 != 0 { return nil }
                let chunk = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                out.append(UInt8(truncatingIfNeeded: chunk >> 16))
                out.append(UInt8(truncatingIfNeeded: chunk >> 8))
                out.append(UInt8(truncatingIfNeeded: chunk))
                index += 4
            }
            switch count - index {
            case 2:
                let a = table[Int(input[index])], b = table[Int(input[index + 1])]
                if (a | b) & 0xC0 != 0 || b & 0x0F != 0 { return nil }
                out.append(a << 2 | b >> 4)
            case 3:
                let a = table[Int(input[index])], b = table[Int(input[index + 1])], c = table[Int(input[index + 2])]
                if (a | b | c) & 0xC0 != 0 || c & 0x03 != 0 { return nil }
                out.append(a << 2 | b >> 4)
                out.append(b << 4 | c >> 2)
            default:
                break
            }
            return out
        }
    }
}
