/// Base58 with the Bitcoin alphabet, as used by multibase `z` (base58btc) in `did:key`.
public enum Base58 {
    private static let alphabet: [UInt8] = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)

    private static let reverse: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        return table
    }()

    /// Encodes bytes; each leading zero byte becomes a leading `1`.
    public static func encode(_ bytes: [UInt8]) -> String {
        let zeros = bytes.prefix { $0 == 0 }.count
        // Little-endian base-58 digits of the big-endian number `bytes`; quadratic, which is fine
        // for the ~34-byte multicodec keys this is used for.
        var digits: [UInt8] = []
        digits.reserveCapacity(bytes.count * 138 / 100 + 1)
        for byte in bytes[zeros...] {
            var carry = Int(byte)
            for index in digits.indices {
                carry += Int(digits[index]) << 8
                digits[index] = UInt8(carry % 58)
                carry /= 58
            }
            while carry > 0 {
                digits.append(UInt8(carry % 58))
                carry /= 58
            }
        }
        var out = [UInt8](repeating: alphabet[0], count: zeros)
        out.reserveCapacity(zeros + digits.count)
        for digit in digits.reversed() { out.append(alphabet[Int(digit)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether every character of `s` is in the alphabet, i.e. whether ``decode(_:)`` would
    /// succeed; linear, unlike decoding.
    static func isEncoded(_ s: String) -> Bool {
        s.utf8.allSatisfy { reverse[Int($0)] != 0xFF }
    }

    /// Decodes a base58btc string; returns `nil` for characters outside the alphabet.
    public static func decode(_ s: String) -> [UInt8]? {
        let input = Array(s.utf8)
        let ones = input.prefix { $0 == alphabet[0] }.count
        var bytes: [UInt8] = []  // little-endian base-256
        bytes.reserveCapacity(input.count * 733 / 1000 + 1)
        for char in input[ones...] {
            let value = reverse[Int(char)]
            if value == 0xFF { return nil }
            var carry = Int(value)
            for index in bytes.indices {
                carry += Int(bytes[index]) * 58
                bytes[index] = UInt8(carry & 0xFF)
                carry >>= 8
            }
            while carry > 0 {
                bytes.append(UInt8(carry & 0xFF))
                carry >>= 8
            }
        }
        return [UInt8](repeating: 0, count: ones) + bytes.reversed()
    }
}
