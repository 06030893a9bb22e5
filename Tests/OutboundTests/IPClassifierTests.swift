import Outbound
import Testing

/// Pure classification checks: every range, its edges, and the IPv6 forms that embed IPv4.
@Suite struct IPClassifierTests {
    private func verdict(_ text: String) throws -> IPClassifier.Verdict {
        IPClassifier.classify(try #require(IPAddress(text), "unparsable \(text)"))
    }

    /// Blocked addresses with a fragment the verdict's reason must contain.
    @Test(arguments: [
        ("0.0.0.0", "0.0.0.0/8"), ("0.255.255.255", "0.0.0.0/8"),
        ("10.0.0.0", "10.0.0.0/8"), ("10.255.255.255", "10.0.0.0/8"),
        ("100.64.0.0", "100.64.0.0/10"), ("100.127.255.255", "100.64.0.0/10"),
        ("127.0.0.1", "loopback 127.0.0.0/8"), ("127.255.255.255", "127.0.0.0/8"),
        ("169.254.0.0", "169.254.0.0/16"), ("169.254.169.254", "link-local 169.254.0.0/16"),
        ("169.254.255.255", "169.254.0.0/16"),
        ("172.16.0.0", "172.16.0.0/12"), ("172.31.255.255", "172.16.0.0/12"),
        ("192.0.0.0", "192.0.0.0/24"), ("192.0.0.255", "192.0.0.0/24"),
        ("192.0.2.0", "192.0.2.0/24"), ("192.0.2.255", "192.0.2.0/24"),
        ("192.168.0.0", "192.168.0.0/16"), ("192.168.255.255", "192.168.0.0/16"),
        ("198.18.0.0", "198.18.0.0/15"), ("198.19.255.255", "198.18.0.0/15"),
        ("198.51.100.0", "198.51.100.0/24"), ("198.51.100.255", "198.51.100.0/24"),
        ("203.0.113.0", "203.0.113.0/24"), ("203.0.113.255", "203.0.113.0/24"),
        ("224.0.0.0", "multicast 224.0.0.0/4"), ("239.255.255.255", "224.0.0.0/4"),
        ("240.0.0.0", "240.0.0.0/4"), ("255.255.255.254", "240.0.0.0/4"),
        ("255.255.255.255", "255.255.255.255"),
    ])
    func blocksIPv4(text: String, reason: String) throws {
        guard case .blocked(let why) = try verdict(text) else { Issue.record("\(text) allowed"); return }
        #expect(why.contains(reason), "\(text): \(why)")
    }

    /// The addresses just outside each IPv4 range, and ordinary public ones.
    @Test(arguments: [
        "1.0.0.0", "9.255.255.255", "11.0.0.0", "100.63.255.255", "100.128.0.0", "126.255.255.255",
        "128.0.0.0", "169.253.255.255", "169.255.0.0", "172.15.255.255", "172.32.0.0", "191.255.255.255",
        "192.0.1.0", "192.0.3.0", "192.167.255.255", "192.169.0.0", "198.17.255.255", "198.20.0.0",
        "198.51.99.255", "198.51.101.0", "203.0.112.255", "203.0.114.0", "223.255.255.255",
        "8.8.8.8", "1.1.1.1", "93.184.215.14",
    ])
    func allowsPublicIPv4(text: String) throws {
        #expect(try verdict(text) == .allowed)
    }

    @Test(arguments: [
        ("::", "unspecified"), ("::1", "loopback ::1"),
        ("fc00::", "fc00::/7"), ("fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fc00::/7"),
        ("fe80::", "fe80::/10"), ("febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fe80::/10"),
        ("fec0::", "fec0::/10"), ("feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fec0::/10"),
        ("ff00::", "ff00::/8"), ("ff02::1", "multicast ff00::/8"),
        ("2001:db8::", "2001:db8::/32"), ("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db8::/32"),
        ("3fff::1", "3fff::/20"),
        ("100::", "discard 100::/64"), ("100::ffff:ffff:ffff:ffff", "100::/64"),
        ("2001::", "Teredo 2001::/32"), ("2001:0:ffff:ffff:ffff:ffff:ffff:ffff", "Teredo"),
        ("64:ff9b:1::1", "64:ff9b:1::/48"),
        // Everything outside global unicast 2000::/3, including just past the listed ranges.
        ("fe00::", "2000::/3"), ("100:0:0:1::", "2000::/3"), ("4000::", "2000::/3"), ("1fff::", "2000::/3"),
    ])
    func blocksIPv6(text: String, reason: String) throws {
        guard case .blocked(let why) = try verdict(text) else { Issue.record("\(text) allowed"); return }
        #expect(why.contains(reason), "\(text): \(why)")
    }

    @Test(arguments: [
        "2001:1::", "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db9::", "2000::", "3ffe::",
        "2606:4700:4700::1111", "2a00:1450:4001:80b::200e",
    ])
    func allowsGlobalIPv6(text: String) throws {
        #expect(try verdict(text) == .allowed)
    }

    /// IPv6 forms that carry an IPv4 address are judged by that address.
    @Test(arguments: [
        ("::ffff:10.0.0.1", "IPv4-mapped ::ffff:0:0/96 embedding private 10.0.0.0/8"),
        ("::ffff:127.0.0.1", "loopback 127.0.0.0/8"),
        ("::ffff:a9fe:a9fe", "link-local 169.254.0.0/16"),
        ("::10.0.0.1", "IPv4-compatible ::/96 embedding private 10.0.0.0/8"),
        ("::0.0.0.2", "0.0.0.0/8"),
        ("64:ff9b::192.168.1.1", "NAT64 64:ff9b::/96 embedding private 192.168.0.0/16"),
        ("64:ff9b::7f00:1", "loopback 127.0.0.0/8"),
        ("2002:a00:1::", "6to4 2002::/16 embedding private 10.0.0.0/8"),
        ("2002:a9fe:a9fe:1234::1", "link-local 169.254.0.0/16"),
    ])
    func judgesEmbeddedIPv4(text: String, reason: String) throws {
        guard case .blocked(let why) = try verdict(text) else { Issue.record("\(text) allowed"); return }
        #expect(why.contains(reason), "\(text): \(why)")
    }

    @Test(arguments: ["::ffff:8.8.8.8", "::8.8.8.8", "64:ff9b::8.8.8.8", "2002:808:808::1"])
    func allowsEmbeddedPublicIPv4(text: String) throws {
        #expect(try verdict(text) == .allowed)
    }
}
