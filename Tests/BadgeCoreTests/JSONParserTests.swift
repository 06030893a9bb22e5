import Testing
@testable import BadgeCore

struct JSONParserTests {
    private func parse(_ text: String) throws -> JSONValue { try JSONValue.parse(Array(text.utf8)) }

    @Test("parses every value kind")
    func kinds() throws {
        let value = try parse(#" { "a": [1, -2.5, true, false, null, "x", {}], "b": {"c": []} } "#)
        #expect(value == .object([
            "a": .array([.int(1), .double(-2.5), .bool(true), .bool(false), .null, .string("x"), .object([:])]),
            "b": .object(["c": .array([])]),
        ]))
        #expect(value["a"]?.arrayValue?.count == 7)
        #expect(value["b"]?["c"]?.arrayValue == [])
    }

    @Test("top-level scalars are allowed")
    func scalars() throws {
        #expect(try parse("42") == .int(42))
        #expect(try parse(#""s""#) == .string("s"))
        #expect(try parse("null") == .null)
    }

    @Test("duplicate keys are rejected")
    func duplicateKeys() {
        #expect(throws: BadgeCoreError.self) { try parse(#"{"a":1,"a":2}"#) }
        #expect(throws: BadgeCoreError.self) { try parse(#"{"x":{"a":1,"b":2,"a":1}}"#) }
    }

    @Test("trailing data is rejected", arguments: ["{} x", "1 2", "[1]]", "{}{}", "nullx", "\"a\"\""])
    func trailing(_ text: String) {
        #expect(throws: BadgeCoreError.self) { try parse(text) }
    }

    @Test("nesting is limited to 64 levels")
    func depth() throws {
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(try parse(ok).arrayValue != nil)
        let tooDeep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(throws: BadgeCoreError.self) { try parse(tooDeep) }
        let deepObjects = String(repeating: #"{"a":"#, count: 65) + "1" + String(repeating: "}", count: 65)
        #expect(throws: BadgeCoreError.self) { try parse(deepObjects) }
        let hostile = String(repeating: "[", count: 100_000)
        #expect(throws: BadgeCoreError.self) { try parse(hostile) }
    }

    @Test("escapes decode, including surrogate pairs")
    func escapes() throws {
        #expect(try parse(#""\"\\\/\b\f\n\r\t""#) == .string("\"\\/\u{08}\u{0C}\n\r\t"))
        #expect(try parse(#""\u0041\u00e9\u20AC""#) == .string("Aé€"))
        #expect(try parse(#""\ud83d\ude00""#) == .string("😀"))
        #expect(try parse("\"é😀\"") == .string("é😀"))
    }

    @Test("bad strings are rejected",
          arguments: [#""\ud83d""#, #""\ude00""#, #""\ud83dx""#, #""\x""#, #""\u12""#, #""\u12G4""#, "\"a\u{01}\"", "\"tab\there\"", #""abc"#])
    func badStrings(_ text: String) {
        #expect(throws: BadgeCoreError.self) { try parse(text) }
    }

    @Test("invalid UTF-8 is rejected")
    func invalidUTF8() {
        for bytes: [UInt8] in [[0x22, 0xFF, 0x22], [0x22, 0xC0, 0xAF, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xF0, 0x90, 0x80, 0x22]] {
            #expect(throws: BadgeCoreError.self) { try JSONValue.parse(bytes) }
        }
    }

    @Test("integers that fit Int64 are .int; others are .double")
    func bigIntegers() throws {
        #expect(try parse("9223372036854775807") == .int(.max))
        #expect(try parse("-9223372036854775808") == .int(.min))
        #expect(try parse("9223372036854775808") == .double(9223372036854775808))
        #expect(try parse("1.0") == .double(1))
        #expect(try parse("1e2") == .double(100))
        #expect(try parse("-0") == .int(0))
        #expect(try parse("1.0").intValue == nil)
    }

    @Test("number grammar is strict", arguments: ["01", "+1", ".5", "1.", "1e", "1e+", "-", "--1", "0x10", "NaN", "Infinity", "1e400"])
    func badNumbers(_ text: String) {
        #expect(throws: BadgeCoreError.self) { try parse(text) }
    }

    @Test("other syntax errors", arguments: ["", " ", "[1,]", "{\"a\":1,}", "{a:1}", "{\"a\" 1}", "[1 2]", "tru", "{'a':1}", "[", "{\"a\":"])
    func syntaxErrors(_ text: String) {
        #expect(throws: BadgeCoreError.self) { try parse(text) }
    }

    @Test("errors carry the json_malformed code")
    func errorCode() {
        let error = #expect(throws: BadgeCoreError.self) { try parse("[") }
        #expect(error?.code == .malformedJSON)
        #expect(error?.code.rawValue == "json_malformed")
    }

    @Test("accessors return nil for other kinds")
    func accessors() {
        let value: JSONValue = ["s": "x", "i": 3, "b": true]
        #expect(value["s"]?.stringValue == "x")
        #expect(value["s"]?.intValue == nil)
        #expect(value["i"]?.intValue == 3)
        #expect(value["b"]?.boolValue == true)
        #expect(value["missing"] == nil)
        #expect(JSONValue.string("x")["s"] == nil)
        #expect(value.objectValue?.count == 3)
    }
}
