import PolicyCore
import Testing

@Suite struct YAMLParserTests {
    private func parse(_ text: String) throws(PolicyDocumentError) -> YAMLNode { try YAMLParser.parse(Array(text.utf8)) }

    private func error(_ text: String) -> PolicyDocumentError? {
        do { _ = try parse(text); return nil } catch { return error }
    }

    @Test func blockMappingsSequencesAndScalars() throws {
        let node = try parse("""
        # comment
        ---
        a: plain text # trailing comment
        b: "quoted \\"x\\" \\u00e9"
        c: 'it''s'
        d:
          - one
          - key: v
            other: w
          - [x, "y", {k: v}]
        e:
        - same indent
        f: {}
        """)
        guard case .mapping(let entries, _) = node else { Issue.record("not a mapping"); return }
        #expect(entries.map(\.key) == ["a", "b", "c", "d", "e", "f"])
        #expect(entries[0].value == .scalar("plain text", quoted: false, line: 3))
        #expect(entries[1].value == .scalar("quoted \"x\" é", quoted: true, line: 4))
        #expect(entries[2].value == .scalar("it's", quoted: true, line: 5))
        guard case .sequence(let items, _) = entries[3].value else { Issue.record("d not a sequence"); return }
        #expect(items.count == 3)
        guard case .mapping(let nested, _) = items[1] else { Issue.record("item not a mapping"); return }
        #expect(nested.map(\.key) == ["key", "other"])
        guard case .sequence(let flow, _) = items[2] else { Issue.record("flow"); return }
        #expect(flow.count == 3)
        guard case .sequence(let same, _) = entries[4].value else { Issue.record("e"); return }
        #expect(same == [.scalar("same indent", quoted: false, line: 12)])
        #expect(entries[5].value == .mapping([], line: 13))
    }

    @Test func plainScalarsMayContainColonsWithoutSpaces() throws {
        let node = try parse("- did:web:example.com\n- \"did:key:z6M\"\n")
        #expect(node == .sequence([.scalar("did:web:example.com", quoted: false, line: 1), .scalar("did:key:z6M", quoted: true, line: 2)], line: 1))
    }

    @Test(arguments: [
        ("a: &x 1\nb: *x\n", 1, "anchors are not supported"),
        ("a: 1\nb: *x\n", 2, "aliases are not supported"),
        ("a: !!str 1\n", 1, "tags are not supported"),
        ("a: |\n  text\n", 1, "block scalars are not supported"),
        ("a: >\n  text\n", 1, "block scalars are not supported"),
        ("%YAML 1.2\na: 1\n", 1, "YAML directives and document markers are not supported"),
        ("a: 1\n---\nb: 2\n", 2, "only one YAML document is allowed"),
        ("a: 1\na: 2\n", 2, "duplicate key"),
        ("a:\n\t- 1\n", 2, "tab in indentation (indent with spaces)"),
        ("a: [1, 2\n", 1, "unterminated flow collection (flow collections must fit on one line)"),
        ("a: \"open\n", 1, "unterminated quoted string"),
        ("a: b: c\n", 1, "mapping or sequence not allowed here (quote the value)"),
        ("a: 1\n  b: 2\n", 2, "unexpected indentation (multi-line scalars are not supported)"),
        ("a:\n    b: 1\n  c: 2\n", 3, "unexpected indentation"),
        ("? complex\n", 1, "complex keys are not supported"),
        ("a: \"\\q\"\n", 1, "unknown escape \\q"),
        ("a: \"x\" y\n", 1, "unexpected text after value: y"),
        ("", 1, "document is empty"),
        ("# only a comment\n", 1, "document is empty"),
        ("a: 1\u{0001}\n", 1, "control character in document"),
        ("a: {[1]: 2}\n", 1, "complex keys are not supported"),
        ("a: {k 1}\n", 1, "expected \":\" in flow mapping"),
        ("a: {k: 1, k: 2}\n", 1, "duplicate key"),
        ("a: [\"x\" y]\n", 1, "expected \",\" or \"]\" in flow collection"),
        ("a: [x[y]]\n", 1, "unexpected bracket in flow scalar (quote it)"),
        ("a: [x, #c\n", 1, "unterminated flow collection (flow collections must fit on one line)"),
        ("a: @x\n", 1, "a plain scalar cannot start with a reserved indicator (quote it)"),
        ("a: \"\\x0\"\n", 1, "invalid \\x escape"),
        ("a: \"\\u0000\"\n", 1, "invalid \\u escape"),
        ("a: 1\nplain line\n", 2, "expected \"key: value\""),
        ("a:\n  - 1\n  b: 2\n", 3, "unexpected indentation"),
        ("...\n", 1, "YAML directives and document markers are not supported"),
    ])
    func refuses(text: String, line: Int, message: String) {
        let failure = error(text)
        #expect(failure?.line == line, "\(text)")
        #expect(failure?.message == message, "\(text)")
    }

    @Test func refusesLargeDocumentsBeforeParsing() {
        let big = "a: " + String(repeating: "x", count: YAMLParser.maxBytes)
        #expect(error(big)?.message == "document is larger than \(YAMLParser.maxBytes) bytes")
    }

    @Test func refusesDeepNestingInBothStyles() {
        var block = ""
        for level in 0..<40 { block += String(repeating: " ", count: level * 2) + "k\(level):\n" }
        block += String(repeating: " ", count: 80) + "leaf: 1\n"
        #expect(error(block)?.message == "nesting deeper than \(YAMLParser.maxDepth) levels")
        let flow = "a: " + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
        #expect(error(flow)?.message == "nesting deeper than \(YAMLParser.maxDepth) levels")
        let dashes = String(repeating: "- ", count: 100) + "x"
        #expect(error(dashes)?.message == "nesting deeper than \(YAMLParser.maxDepth) levels")
    }

    @Test func refusesTooManyNodes() {
        let text = "a: [" + Array(repeating: "1", count: YAMLParser.maxNodes + 1).joined(separator: ",") + "]"
        #expect(error(text)?.message == "more than \(YAMLParser.maxNodes) nodes")
    }

    @Test func refusesInvalidUTF8() {
        #expect(throws: PolicyDocumentError.self) { try YAMLParser.parse([0x61, 0x3A, 0x20, 0xFF]) }
    }
}
