/// An IPv4 or IPv6 address as bytes (4 or 16), in network order.
///
/// Text parsing is strict on purpose: resolvers and URL libraries accept exotic spellings such as
/// `127.1`, `0x7f.0.0.1` or `0177.0.0.1`, and an SSRF filter that disagrees with the connecting
/// code about what an address means is a bypass. Anything but the plain forms is rejected.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// 4 bytes for IPv4, 16 bytes for IPv6.
    public let bytes: [UInt8]

    /// Wraps raw bytes; `nil` unless there are exactly 4 or 16.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// Parses dotted-quad IPv4 (`192.0.2.1`) or RFC 4291 IPv6 text (`2001:db8::1`, `::ffff:192.0.2.1`).
    ///
    /// Rejects leading zeros in IPv4 octets, short and hex/octal IPv4 forms, IPv6 zone ids
    /// (`fe80::1%eth0`), brackets and anything else malformed.
    public init?(_ text: String) {
        let utf8 = Array(text.utf8)
        if let v4 = Self.parseIPv4(utf8[...]) {
            self.bytes = v4
        } else if let v6 = Self.parseIPv6(utf8) {
            self.bytes = v6
        } else {
            return nil
        }
    }

    /// `true` for 4-byte addresses.
    public var isIPv4: Bool { bytes.count == 4 }

    /// Dotted quad for IPv4, RFC 5952 canonical text for IPv6 (lowercase, longest zero run as `::`).
    public var description: String {
        if isIPv4 { return bytes.map(String.init).joined(separator: ".") }
        let groups = (0..<8).map { UInt16(bytes[2 * $0]) << 8 | UInt16(bytes[2 * $0 + 1]) }
        // RFC 5952 §4.2: compress the longest run of two or more zero groups (the first on a tie).
        var bestStart = -1, bestLength = 1
        var index = 0
        while index < 8 {
            guard groups[index] == 0 else { index += 1; continue }
            var end = index
            while end < 8 && groups[end] == 0 { end += 1 }
            if end - index > bestLength { bestStart = index; bestLength = end - index }
            index = end
        }
        let hex = { (slice: ArraySlice<UInt16>) in slice.map { String($0, radix: 16) }.joined(separator: ":") }
        guard bestStart >= 0 else { return hex(groups[...]) }
        return hex(groups[..<bestStart]) + "::" + hex(groups[(bestStart + bestLength)...])
    }

    /// Exactly four decimal octets 0–255 without leading zeros.
    private static func parseIPv4(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        let parts = text.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var out: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy(isDigit) else { return nil }
            // A leading zero is how octal is spelled in inet_aton; refuse rather than guess.
            if part.count > 1 && part.first == UInt8(ascii: "0") { return nil }
            let value = part.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
            guard value <= 255 else { return nil }
            out.append(UInt8(value))
        }
        return out
    }

    /// RFC 4291 §2.2 text: eight 1–4 digit hex groups, at most one `::`, optionally ending in a
    /// dotted IPv4 address that stands for the last two groups.
    private static func parseIPv6(_ text: [UInt8]) -> [UInt8]? {
        let colon = UInt8(ascii: ":")
        guard text.count >= 2, text.count <= 45 else { return nil }
        var head: [UInt16] = []
        var tail: [UInt16] = []
        var sawCompression = false
        var index = 0
        if text.starts(with: [colon, colon]) {
            sawCompression = true
            index = 2
        } else if text.first == colon {
            return nil
        }
        while index < text.count {
            // One field: hex group, or a dotted IPv4 tail if it contains a dot.
            var end = index
            while end < text.count && text[end] != colon { end += 1 }
            let field = text[index..<end]
            if field.contains(UInt8(ascii: ".")) {
                guard end == text.count, let v4 = parseIPv4(field) else { return nil }
                let pair = [UInt16(v4[0]) << 8 | UInt16(v4[1]), UInt16(v4[2]) << 8 | UInt16(v4[3])]
                if sawCompression { tail += pair } else { head += pair }
                index = end
                break
            }
            guard (1...4).contains(field.count), let group = parseHexGroup(field) else { return nil }
            if sawCompression { tail.append(group) } else { head.append(group) }
            index = end
            guard index < text.count else { break }
            // At a colon: `::` starts the compressed run (once), a single `:` separates fields,
            // and a trailing lone `:` is malformed.
            if index + 1 < text.count && text[index + 1] == colon {
                guard !sawCompression else { return nil }
                sawCompression = true
                index += 2
            } else {
                index += 1
                guard index < text.count else { return nil }
            }
        }
        let explicit = head.count + tail.count
        if sawCompression {
            guard explicit <= 7 else { return nil }
        } else {
            guard explicit == 8 else { return nil }
        }
        let groups = head + [UInt16](repeating: 0, count: 8 - explicit) + tail
        return groups.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }

    private static func parseHexGroup(_ field: ArraySlice<UInt8>) -> UInt16? {
        var value: UInt16 = 0
        for char in field {
            let digit: UInt8
            switch char {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = char - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = char - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = char - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt16(digit)
        }
        return value
    }

    private static func isDigit(_ char: UInt8) -> Bool {
        char >= UInt8(ascii: "0") && char <= UInt8(ascii: "9")
    }
}
