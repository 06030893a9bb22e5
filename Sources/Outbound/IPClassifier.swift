/// Decides whether the server may connect to an address (CONTRACT §8.1 address filter).
///
/// Pure classification; no I/O. IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64,
/// 6to4) are judged by that IPv4 address, because the packets end up there.
public enum IPClassifier {
    /// The outcome of ``IPClassifier/classify(_:)``.
    public enum Verdict: Sendable, Equatable {
        case allowed
        /// The reason names the range, e.g. `"loopback 127.0.0.0/8"`.
        case blocked(String)
    }

    /// Classifies one address.
    public static func classify(_ address: IPAddress) -> Verdict {
        address.isIPv4 ? classifyIPv4(address.bytes) : classifyIPv6(address.bytes)
    }

    /// A CIDR block with the name used in the verdict.
    private struct Range {
        let prefix: [UInt8]
        let length: Int
        let name: String

        init(_ prefix: [UInt8], _ length: Int, _ name: String) {
            self.prefix = prefix
            self.length = length
            self.name = name
        }

        func contains(_ bytes: [UInt8]) -> Bool {
            var bits = length
            for (index, byte) in prefix.enumerated() where bits > 0 {
                let mask: UInt8 = bits >= 8 ? 0xFF : ~(0xFF >> UInt8(bits))
                if bytes[index] & mask != byte & mask { return false }
                bits -= 8
            }
            return true
        }
    }

    private static let ipv4Blocked: [Range] = [
        Range([0, 0, 0, 0], 8, "\"this network\" 0.0.0.0/8"),
        Range([10, 0, 0, 0], 8, "private 10.0.0.0/8"),
        Range([100, 64, 0, 0], 10, "carrier-grade NAT 100.64.0.0/10"),
        Range([127, 0, 0, 0], 8, "loopback 127.0.0.0/8"),
        Range([169, 254, 0, 0], 16, "link-local 169.254.0.0/16"),
        Range([172, 16, 0, 0], 12, "private 172.16.0.0/12"),
        Range([192, 0, 0, 0], 24, "IETF protocol assignments 192.0.0.0/24"),
        Range([192, 0, 2, 0], 24, "documentation 192.0.2.0/24"),
        Range([192, 168, 0, 0], 16, "private 192.168.0.0/16"),
        Range([198, 18, 0, 0], 15, "benchmarking 198.18.0.0/15"),
        Range([198, 51, 100, 0], 24, "documentation 198.51.100.0/24"),
        Range([203, 0, 113, 0], 24, "documentation 203.0.113.0/24"),
        Range([224, 0, 0, 0], 4, "multicast 224.0.0.0/4"),
        // 255.255.255.255 lies inside 240.0.0.0/4; it is listed first so the verdict names it.
        Range([255, 255, 255, 255], 32, "broadcast 255.255.255.255"),
        Range([240, 0, 0, 0], 4, "reserved 240.0.0.0/4"),
    ]

    private static func classifyIPv4(_ bytes: [UInt8]) -> Verdict {
        if let range = ipv4Blocked.first(where: { $0.contains(bytes) }) { return .blocked(range.name) }
        return .allowed
    }

    /// IPv6 ranges whose embedded IPv4 address (at the given byte offset) decides the verdict.
    private static let ipv6Embedding: [(range: Range, offset: Int)] = [
        (Range([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF], 96, "IPv4-mapped ::ffff:0:0/96"), 12),
        (Range([0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0], 96, "NAT64 64:ff9b::/96"), 12),
        (Range([0x20, 0x02], 16, "6to4 2002::/16"), 2),
    ]

    private static let ipv6Blocked: [Range] = [
        // RFC 8215 local-use NAT64: the translator is ours and its address layout is not fixed.
        Range([0x00, 0x64, 0xFF, 0x9B, 0x00, 0x01], 48, "local-use NAT64 64:ff9b:1::/48"),
        Range([0x01, 0x00, 0, 0, 0, 0, 0, 0], 64, "discard 100::/64"),
        Range([0x20, 0x01, 0x0D, 0xB8], 32, "documentation 2001:db8::/32"),
        Range([0x3F, 0xFF, 0x00], 20, "documentation 3fff::/20"),
        // Teredo tunnels to an obfuscated IPv4 address via a relay; no need to support it.
        Range([0x20, 0x01, 0x00, 0x00], 32, "Teredo 2001::/32"),
        Range([0xFC], 7, "unique local fc00::/7"),
        Range([0xFE, 0x80], 10, "link-local fe80::/10"),
        Range([0xFE, 0xC0], 10, "site-local fec0::/10"),
        Range([0xFF], 8, "multicast ff00::/8"),
    ]

    private static let ipv6GlobalUnicast = Range([0x20], 3, "global unicast 2000::/3")

    private static func classifyIPv6(_ bytes: [UInt8]) -> Verdict {
        // `::` and `::1` sit inside the IPv4-compatible block but are not IPv4 addresses.
        if bytes.allSatisfy({ $0 == 0 }) { return .blocked("unspecified ::") }
        if bytes.dropLast().allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return .blocked("loopback ::1") }
        if bytes.prefix(12).allSatisfy({ $0 == 0 }) {
            return embedded(bytes, at: 12, in: "IPv4-compatible ::/96")
        }
        for (range, offset) in ipv6Embedding where range.contains(bytes) {
            return embedded(bytes, at: offset, in: range.name)
        }
        if let range = ipv6Blocked.first(where: { $0.contains(bytes) }) { return .blocked(range.name) }
        // Everything outside 2000::/3 is reserved or special-purpose by IANA; nothing a public
        // did:web host or HTTP-01 target legitimately resolves to.
        guard ipv6GlobalUnicast.contains(bytes) else { return .blocked("not global unicast (outside 2000::/3)") }
        return .allowed
    }

    private static func embedded(_ bytes: [UInt8], at offset: Int, in name: String) -> Verdict {
        switch classifyIPv4(Array(bytes[offset..<offset + 4])) {
        case .allowed: .allowed
        case .blocked(let reason): .blocked("\(name) embedding \(reason)")
        }
    }
}
