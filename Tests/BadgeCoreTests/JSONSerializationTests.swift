import Foundation
import Testing
@testable import BadgeCore

struct JSONSerializationTests {
    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test("RFC 8785 §3.2.2 sample canonicalizes exactly")
    func rfc8785Sample() throws {
        let input = #"""
        {
          "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
          "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
          "literals": [null, true, false]
        }
        """#
        let value = try JSONValue.parse(Array(input.utf8))
        let expected = #"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#
        #expect(text(value.canonicalJSON()) == expected)
    }

    @Test("RFC 8785 §3.2.3 keys sort by UTF-16 code units")
    func rfc8785Sorting() throws {
        let input = #"{"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One","\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis"}"#
        let value = try JSONValue.parse(Array(input.utf8))
        let keys = ["\r", "1", "\u{80}", "ö", "€", "😀", "\u{FB33}"]
        let out = text(value.canonicalJSON())
        var position = out.startIndex
        for key in keys {
            let encoded = text(JSONValue.string(key).serialized())
            let range = try #require(out.range(of: encoded + ":", range: position..<out.endIndex))
            position = range.upperBound
        }
    }

    @Test("the UTF-8 key comparison agrees with UTF-16 code-unit order on every pair")
    func keyOrderMatchesUTF16() {
        let samples = [
            "", "a", "b", "ab", "aa", "A", "Z", "~", "\u{7F}", "é", "éa", "ı", "\u{0800}", "\u{D7FF}", "\u{E000}", "\u{FB33}",
            "\u{FFFD}", "\u{FFFF}", "\u{10000}", "\u{1F600}", "\u{1F600}a", "\u{10FFFF}", "a\u{1F600}", "a\u{FFFD}", "€", "日本",
        ]
        for a in samples {
            for b in samples {
                #expect(JSONWriter.utf16Precedes(a, b) == a.utf16.lexicographicallyPrecedes(b.utf16), "\(a.unicodeScalars.map(\.value)) vs \(b.unicodeScalars.map(\.value))")
            }
        }
        // The case UTF-8 order alone gets wrong: U+FFFD sorts before U+1F600 in UTF-8 but after it in UTF-16.
        #expect(JSONWriter.utf16Precedes("\u{1F600}", "\u{FFFD}"))
    }

    @Test("ECMAScript number formatting (RFC 8785 Appendix B samples)")
    func numbers() {
        let cases: [(Double, String)] = [
            (0, "0"), (-0.0, "0"), (1, "1"), (-1, "-1"), (100, "100"), (0.5, "0.5"),
            (1e21, "1e+21"), (1e20, "100000000000000000000"), (Double("123456789012345680000")!, "123456789012345680000"),
            (1e-6, "0.000001"), (1e-7, "1e-7"), (.leastNonzeroMagnitude, "5e-324"), (1.7976931348623157e308, "1.7976931348623157e+308"),
            (-1.5e-9, "-1.5e-9"), (Double("295147905179352830000")!, "295147905179352830000"), (4.35, "4.35"),
            (0.002, "0.002"), (333333333.3333333, "333333333.3333333"), (9007199254740992, "9007199254740992"),
            (1.2345e25, "1.2345e+25"),
        ]
        for (number, expected) in cases {
            #expect(text(JSONValue.double(number).canonicalJSON()) == expected, "\(number)")
        }
        #expect(text(JSONValue.double(.nan).serialized()) == "null")
        #expect(text(JSONValue.double(.infinity).canonicalJSON()) == "null")
    }

    @Test("integers are exact in serialized(), JCS rounds beyond 2^53")
    func integers() {
        #expect(text(JSONValue.int(.max).serialized()) == "9223372036854775807")
        #expect(text(JSONValue.int(9007199254740993).serialized()) == "9007199254740993")
        #expect(text(JSONValue.int(9007199254740993).canonicalJSON()) == "9007199254740992")
        #expect(text(JSONValue.int(-42).canonicalJSON()) == "-42")
        #expect(text(JSONValue.int(1_772_619_300).canonicalJSON()) == "1772619300")
    }

    @Test("string escaping: quotes, backslash, control characters, nothing else")
    func escaping() {
        let value = JSONValue.string("\"\\\u{08}\u{0C}\n\r\t\u{00}\u{1F}\u{7F}/é\u{2028}😀")
        #expect(text(value.serialized()) == #""\"\\\b\f\n\r\t\u0000\u001f"# + "\u{7F}/é\u{2028}😀\"")
    }

    @Test("serialization is compact, sorted and round-trips through the parser")
    func roundTrip() throws {
        let value: JSONValue = ["b": [1, 2.5, "x"], "a": ["z": nil, "y": false], "c": "ü"]
        let bytes = value.serialized()
        #expect(text(bytes) == #"{"a":{"y":false,"z":null},"b":[1,2.5,"x"],"c":"ü"}"#)
        #expect(try JSONValue.parse(bytes) == value)
    }

    @Test("Codable bridges through Foundation coders")
    func codable() throws {
        let value: JSONValue = ["n": 1, "d": 1.5, "s": "x", "b": true, "z": nil, "a": [1, "2"]]
        let data = try JSONEncoder().encode(value)
        #expect(try JSONDecoder().decode(JSONValue.self, from: data) == value)
    }
}
