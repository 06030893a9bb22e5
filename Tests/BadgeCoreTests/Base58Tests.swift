import Testing
@testable import BadgeCore

struct Base58Tests {
    @Test("known vectors")
    func vectors() {
        #expect(Base58.encode(Array("Hello World!".utf8)) == "2NEpo7TZRRrLZSi2U")
        #expect(Base58.encode([]) == "")
        #expect(Base58.encode([0]) == "1")
        #expect(Base58.encode([0, 0, 1]) == "112")
        #expect(Base58.decode("2NEpo7TZRRrLZSi2U") == Array("Hello World!".utf8))
    }

    @Test("leading zero bytes map to leading 1s both ways")
    func leadingZeros() {
        let bytes: [UInt8] = [0, 0, 0, 0xFF, 0x10]
        let encoded = Base58.encode(bytes)
        #expect(encoded.hasPrefix("111"))
        #expect(!encoded.hasPrefix("1111"))
        #expect(Base58.decode(encoded) == bytes)
        #expect(Base58.decode("111") == [0, 0, 0])
    }

    @Test("round trips random-looking data")
    func roundTrip() {
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            #expect(Base58.decode(Base58.encode(bytes)) == bytes)
        }
    }

    @Test("rejects characters outside the Bitcoin alphabet", arguments: ["0", "O", "I", "l", "abc+", "ab c"])
    func rejects(_ input: String) {
        #expect(Base58.decode(input) == nil)
    }
}
