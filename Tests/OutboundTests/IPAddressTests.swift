import Outbound
import Testing

@Suite struct IPAddressTests {
    @Test(arguments: [
        ("0.0.0.0", [0, 0, 0, 0]),
        ("192.0.2.1", [192, 0, 2, 1]),
        ("255.255.255.255", [255, 255, 255, 255]),
    ] as [(String, [UInt8])])
    func parsesIPv4(text: String, bytes: [UInt8]) {
        #expect(IPAddress(text)?.bytes == bytes)
        #expect(IPAddress(text)?.description == text)
    }

    @Test(arguments: [
        ("::", "::"),
        ("::1", "::1"),
        ("2001:DB8::1", "2001:db8::1"),
        ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"),
        ("1:0:0:2:0:0:0:3", "1:0:0:2::3"),
        ("1::", "1::"),
        ("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"),
        ("::ffff:10.0.0.1", "::ffff:a00:1"),
        ("64:ff9b::192.0.2.33", "64:ff9b::c000:221"),
        ("1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304"),
    ])
    func parsesIPv6(text: String, canonical: String) throws {
        let address = try #require(IPAddress(text))
        #expect(address.bytes.count == 16)
        #expect(address.description == canonical)
        #expect(IPAddress(canonical) == address)
    }

    @Test(arguments: [
        "", "1", "127.1", "127.0.1", "1.2.3.4.5", "1.2.3.256", "010.0.0.1", "127.0.0.01", "0x7f.0.0.1",
        "0177.0.0.1", "2130706433", "1.2.3.-4", " 1.2.3.4", "1.2.3.4 ", "1..2.3", "+1.2.3.4", "١.٢.٣.٤",
        ":", ":::", "1:::2", "1::2::3", ":1::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::", "12345::",
        "g::1", "1:2:3:4:5:6:7", "1:", "::1:", "fe80::1%eth0", "fe80::1%25eth0", "[::1]", "::ffff:1.2.3",
        "::ffff:1.2.3.04", "::1.2.3.4:5", "1.2.3.4::", "::ffff:256.0.0.1", "1:2:3:4:5:6:7:1.2.3.4",
    ])
    func rejectsMalformedText(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test func bytesInitAcceptsOnlyFourOrSixteen() {
        #expect(IPAddress(bytes: [1, 2, 3]) == nil)
        #expect(IPAddress(bytes: [UInt8](repeating: 0, count: 5)) == nil)
        #expect(IPAddress(bytes: [8, 8, 8, 8])?.description == "8.8.8.8")
        #expect(IPAddress(bytes: [UInt8](repeating: 0, count: 16))?.description == "::")
    }
}
