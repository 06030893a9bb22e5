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
}
