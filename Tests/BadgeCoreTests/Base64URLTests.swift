import Testing
@testable import BadgeCore

struct Base64URLTests {
    @Test("RFC 4648 §10 vectors, unpadded")
    func rfc4648Vectors() {
        let vectors = ["": "", "f": "Zg", "fo": "Zm8", "foo": "Zm9v", "foob": "Zm9vYg", "fooba": "Zm9vYmE", "foobar": "Zm9vYmFy"]
        for (plain, encoded) in vectors {
            #expect(Base64URL.encode(Array(plain.utf8)) == encoded)
            #expect(Base64URL.decode(encoded) == Array(plain.utf8))
        }
    }

    @Test("URL-safe alphabet uses - and _")
    func urlSafeAlphabet() {
        #expect(Base64URL.encode([0xFB, 0xFF, 0xBF]) == "-_-_")
        #expect(Base64URL.decode("-_-_") == [0xFB, 0xFF, 0xBF])
    }

    @Test("round trips every length up to 64 and all byte values")
    func roundTrip() {
        let bytes = (0..<256).map { UInt8($0) }
        for length in 0...64 {
            let slice = Array(bytes[..<length])
            #expect(Base64URL.decode(Base64URL.encode(slice)) == slice)
        }
        #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
    }

    @Test("encodes non-contiguous sequences")
    func encodesLazySequence() {
        #expect(Base64URL.encode((0..<3).lazy.map { UInt8($0 + 0x66) }) == "Zmdo")
    }

    @Test("rejects padding, whitespace, standard alphabet and bad lengths",
          arguments: ["Zg==", "Zm8=", "Zm9v\n", " Zm9v", "Zm 9v", "ab+/", "a", "abcde", "Zm9v!", "Zm9vYg=", "é"])
    func rejects(_ input: String) {
        #expect(Base64URL.decode(input) == nil)
    }

    @Test("rejects non-canonical trailing bits")
    func rejectsNonCanonical() {
        #expect(Base64URL.decode("Zh") == nil)  // "Zg" with a stray low bit
        #expect(Base64URL.decode("Zm9") == nil)  // "Zm8" with stray low bits
    }
}
