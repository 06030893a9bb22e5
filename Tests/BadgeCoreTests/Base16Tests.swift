import BadgeCore
import Testing

@Suite struct Base16Tests {
    @Test func encodesBytesLowerCase() {
        #expect(Base16.encode([UInt8]()) == "")
        #expect(Base16.encode([0x00, 0x0f, 0xa0, 0xff]) == "000fa0ff")
        #expect(Base16.encode(Array("Hello".utf8)) == "48656c6c6f")
    }

    @Test func encodesFixedWidthIntegers() {
        #expect(Base16.encode(0, width: 4) == "0000")
        #expect(Base16.encode(0xabc, width: 4) == "0abc")
        #expect(Base16.encode(0x1_0000, width: 4) == "0000")
        #expect(Base16.encode(1_795_960_000_123, width: 13) == "001a2278ece7b")
    }

    /// Known digests (FIPS 180-2's "abc", the empty string) and a text with multi-byte UTF-8,
    /// whose bytes, not its characters, are hashed.
    @Test func hashesTextAsSHA256Hex() {
        #expect(Base16.sha256(of: "") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Base16.sha256(of: "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Base16.sha256(of: "café ✓") == "3c15bbb0672ec7f843be05677dce1b0c2fb7e64a16618e498decbbdf3b6cd6e2")
    }
}
