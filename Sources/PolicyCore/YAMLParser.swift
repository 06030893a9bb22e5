/// A strict parser for the YAML subset policy documents need, written for hostile input.
///
/// Accepted: block mappings and sequences (indented with spaces), single-line flow sequences and
/// mappings (`[a, b]`, `{k: v}`), plain, single- and double-quoted scalars, comments, one optional
/// leading `---`. Refused with the offending line: anchors, aliases, tags, block scalars, directives,
/// complex keys, multi-line scalars, several documents, duplicate keys, tabs in indentation.
/// Without anchors and aliases no node can be expanded twice, so "billion laughs" documents cannot
/// exist; size, node count and nesting are also bounded before anything is built from them.
public struct YAMLParser {
    /// The largest document accepted, in bytes (policy documents are a few kilobytes).
    public static let maxBytes = 256 * 1024
    /// The deepest nesting of mappings and sequences accepted.
    public static let maxDepth = 16
    /// The most nodes accepted in one document.
    public static let maxNodes = 20_000

    private struct Line {
        let number: Int
        var indent: Int
        var text: ArraySlice<UInt8>
    }

    private var lines: [Line] = []
    private var position = 0
    private var nodes = 0

    private init() {}

    /// Parses `text` into one node tree; throws ``PolicyDocumentError`` naming the line.
    public static func parse(_ text: some Collection<UInt8>) throws(PolicyDocumentError) -> YAMLNode {
        guard text.count <= maxBytes else {
            throw PolicyDocumentError(line: 0, "document is larger than \(maxBytes) bytes")
        }
        var parser = YAMLParser()
        try parser.split(Array(text))
        guard !parser.lines.isEmpty else { throw PolicyDocumentError(line: 1, "document is empty") }
        let root = try parser.block(depth: 1)
        if parser.position < parser.lines.count {
            throw PolicyDocumentError(line: parser.lines[parser.position].number, "unexpected indentation")
        }
        return root
    }

    // MARK: Lines

    /// Splits into content lines, dropping blank and comment-only lines and the optional `---`.
    private mutating func split(_ bytes: [UInt8]) throws(PolicyDocumentError) {
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw PolicyDocumentError(line: 0, "document is not valid UTF-8")
        }
        var number = 0
        var start = 0
        var sawContent = false
        while start <= bytes.count {
            number += 1
            var end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
            var line = bytes[start..<end]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            start = end + 1
            for byte in line where byte < 0x20 && byte != UInt8(ascii: "\t") || byte == 0x7F {
                throw PolicyDocumentError(line: number, "control character in document")
            }
            var indent = 0
            while indent < line.count, line[line.startIndex + indent] == UInt8(ascii: " ") { indent += 1 }
            let text = line.dropFirst(indent)
            let trimmed = Self.trimTrailing(text)
            if trimmed.isEmpty || trimmed.first == UInt8(ascii: "#") { continue }
            if text.first == UInt8(ascii: "\t") {
                throw PolicyDocumentError(line: number, "tab in indentation (indent with spaces)")
            }
            if indent == 0, Self.isMarker(trimmed, "---") {
                if sawContent { throw PolicyDocumentError(line: number, "only one YAML document is allowed") }
                continue
            }
            if indent == 0, Self.isMarker(trimmed, "...") || trimmed.first == UInt8(ascii: "%") {
                throw PolicyDocumentError(line: number, "YAML directives and document markers are not supported")
            }
            sawContent = true
            lines.append(Line(number: number, indent: indent, text: trimmed))
        }
    }

    private static func isMarker(_ text: ArraySlice<UInt8>, _ marker: String) -> Bool {
        let head = Array(marker.utf8)
        guard text.starts(with: head) else { return false }
        let rest = text.dropFirst(head.count)
        return rest.isEmpty || rest.first == UInt8(ascii: " ") || rest.first == UInt8(ascii: "\t")
    }

    private static func trimTrailing(_ text: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var text = text
        while let last = text.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { text = text.dropLast() }
        return text
    }

    private static func trimLeading(_ text: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var text = text
        while let first = text.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { text = text.dropFirst() }
        return text
    }

    // MARK: Block structure

    private mutating func count(line: Int, depth: Int) throws(PolicyDocumentError) {
        nodes += 1
        if nodes > Self.maxNodes { throw PolicyDocumentError(line: line, "more than \(Self.maxNodes) nodes") }
        if depth > Self.maxDepth { throw PolicyDocumentError(line: line, "nesting deeper than \(Self.maxDepth) levels") }
    }

    private static func isSequenceItem(_ text: ArraySlice<UInt8>) -> Bool {
        text.first == UInt8(ascii: "-") && (text.count == 1 || text.dropFirst().first == UInt8(ascii: " "))
    }

    /// The node starting at the current line, at that line's indentation.
    private mutating func block(depth: Int) throws(PolicyDocumentError) -> YAMLNode {
        let line = lines[position]
        if Self.isSequenceItem(line.text) { return try sequence(indent: line.indent, depth: depth) }
        if try Self.mappingKey(line.text, line: line.number) != nil { return try mapping(indent: line.indent, depth: depth) }
        position += 1
        return try inlineValue(line.text, line: line.number, depth: depth)
    }

    private mutating func sequence(indent: Int, depth: Int) throws(PolicyDocumentError) -> YAMLNode {
        let first = lines[position].number
        try count(line: first, depth: depth)
        var items: [YAMLNode] = []
        while position < lines.count, lines[position].indent == indent, Self.isSequenceItem(lines[position].text) {
            let line = lines[position]
            let rest = Self.trimLeading(line.text.dropFirst())
            if rest.isEmpty {
                position += 1
                if position < lines.count, lines[position].indent > indent {
                    items.append(try block(depth: depth + 1))
                } else {
                    try count(line: line.number, depth: depth + 1)
                    items.append(.scalar("", quoted: false, line: line.number))
                }
            } else {
                // "- key: value" or "- - x": the rest is a node indented as far as its first character.
                lines[position].indent = indent + (line.text.count - rest.count)
                lines[position].text = rest
                items.append(try block(depth: depth + 1))
            }
        }
        try refuseDeeper(than: indent)
        return .sequence(items, line: first)
    }

    private mutating func mapping(indent: Int, depth: Int) throws(PolicyDocumentError) -> YAMLNode {
        let first = lines[position].number
        try count(line: first, depth: depth)
        var entries: [(key: String, value: YAMLNode)] = []
        var seen: Set<String> = []
        while position < lines.count, lines[position].indent == indent {
            let line = lines[position]
            guard let (key, rest) = try Self.mappingKey(line.text, line: line.number) else {
                throw PolicyDocumentError(line: line.number, "expected \"key: value\"")
            }
            guard seen.insert(key).inserted else {
                throw PolicyDocumentError(line: line.number, field: key, "duplicate key")
            }
            let value: YAMLNode
            if rest.isEmpty || rest.first == UInt8(ascii: "#") {
                position += 1
                if position < lines.count, lines[position].indent > indent {
                    value = try block(depth: depth + 1)
                } else if position < lines.count, lines[position].indent == indent, Self.isSequenceItem(lines[position].text) {
                    value = try sequence(indent: indent, depth: depth + 1)
                } else {
                    try count(line: line.number, depth: depth + 1)
                    value = .scalar("", quoted: false, line: line.number)
                }
            } else {
                value = try inlineValue(rest, line: line.number, depth: depth + 1)
                position += 1
                if position < lines.count, lines[position].indent > indent {
                    throw PolicyDocumentError(line: lines[position].number, "unexpected indentation (multi-line scalars are not supported)")
                }
            }
            entries.append((key, value))
        }
        try refuseDeeper(than: indent)
        return .mapping(entries, line: first)
    }

    private func refuseDeeper(than indent: Int) throws(PolicyDocumentError) {
        if position < lines.count, lines[position].indent > indent {
            throw PolicyDocumentError(line: lines[position].number, "unexpected indentation")
        }
    }

    /// `key: rest` when the line is a mapping entry (the key plain or quoted), else nil.
    private static func mappingKey(_ text: ArraySlice<UInt8>, line: Int) throws(PolicyDocumentError) -> (String, ArraySlice<UInt8>)? {
        guard let first = text.first else { return nil }
        if first == UInt8(ascii: "?") && (text.count == 1 || text.dropFirst().first == UInt8(ascii: " ")) {
            throw PolicyDocumentError(line: line, "complex keys are not supported")
        }
        if first == UInt8(ascii: "\"") || first == UInt8(ascii: "'") {
            var cursor = text.startIndex
            let key = try quoted(text, at: &cursor, line: line)
            let rest = trimLeading(text[cursor...])
            guard rest.first == UInt8(ascii: ":") else { return nil }
            let after = rest.dropFirst()
            guard after.isEmpty || after.first == UInt8(ascii: " ") else { return nil }
            return (key, trimLeading(after))
        }
        if first == UInt8(ascii: "[") || first == UInt8(ascii: "{") { return nil }
        var index = text.startIndex
        while index < text.endIndex {
            if text[index] == UInt8(ascii: "#"), index > text.startIndex, text[index - 1] == UInt8(ascii: " ") { return nil }
            if text[index] == UInt8(ascii: ":") {
                let next = index + 1
                if next == text.endIndex || text[next] == UInt8(ascii: " ") {
                    let key = trimTrailing(text[text.startIndex..<index])
                    try refuseIndicator(key, line: line)
                    return (String(decoding: key, as: UTF8.self), trimLeading(text[next...]))
                }
            }
            index += 1
        }
        return nil
    }

    // MARK: Scalars and flow collections

    private static func refuseIndicator(_ text: ArraySlice<UInt8>, line: Int) throws(PolicyDocumentError) {
        switch text.first {
        case UInt8(ascii: "&"): throw PolicyDocumentError(line: line, "anchors are not supported")
        case UInt8(ascii: "*"): throw PolicyDocumentError(line: line, "aliases are not supported")
        case UInt8(ascii: "!"): throw PolicyDocumentError(line: line, "tags are not supported")
        case UInt8(ascii: "|"), UInt8(ascii: ">"): throw PolicyDocumentError(line: line, "block scalars are not supported")
        case UInt8(ascii: "%"), UInt8(ascii: "@"), UInt8(ascii: "`"):
            throw PolicyDocumentError(line: line, "a plain scalar cannot start with a reserved indicator (quote it)")
        default: return
        }
    }

    /// A value written on one line after `key:` or `- `: a scalar or a flow collection (each
    /// counted once, as a node at `depth`).
    private mutating func inlineValue(_ text: ArraySlice<UInt8>, line: Int, depth: Int) throws(PolicyDocumentError) -> YAMLNode {
        var cursor = text.startIndex
        let node: YAMLNode
        switch text.first {
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            node = try flow(text, at: &cursor, line: line, depth: depth)
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            try count(line: line, depth: depth)
            node = .scalar(try Self.quoted(text, at: &cursor, line: line), quoted: true, line: line)
        default:
            try count(line: line, depth: depth)
            try Self.refuseIndicator(text, line: line)
            let plain = Self.plainEnd(text)
            let value = Self.trimTrailing(text[text.startIndex..<plain])
            if value.starts(with: Array("- ".utf8)) || Self.containsMappingIndicator(value) {
                throw PolicyDocumentError(line: line, "mapping or sequence not allowed here (quote the value)")
            }
            cursor = plain
            node = .scalar(String(decoding: value, as: UTF8.self), quoted: false, line: line)
        }
        try Self.expectEnd(text[cursor...], line: line)
        return node
    }

    /// Where a block plain scalar ends: at a comment or the end of the line.
    private static func plainEnd(_ text: ArraySlice<UInt8>) -> Int {
        var index = text.startIndex
        while index < text.endIndex {
            if text[index] == UInt8(ascii: "#"), index > text.startIndex, text[index - 1] == UInt8(ascii: " ") || text[index - 1] == UInt8(ascii: "\t") {
                return index
            }
            index += 1
        }
        return index
    }

    private static func containsMappingIndicator(_ text: ArraySlice<UInt8>) -> Bool {
        var index = text.startIndex
        while index < text.endIndex {
            if text[index] == UInt8(ascii: ":"), index + 1 == text.endIndex || text[index + 1] == UInt8(ascii: " ") { return true }
            index += 1
        }
        return false
    }

    /// Only spaces and an optional comment may follow a complete value.
    private static func expectEnd(_ rest: ArraySlice<UInt8>, line: Int) throws(PolicyDocumentError) {
        let rest = trimLeading(rest)
        if rest.isEmpty || rest.first == UInt8(ascii: "#") { return }
        throw PolicyDocumentError(line: line, "unexpected text after value: \(String(decoding: rest.prefix(20), as: UTF8.self))")
    }

    private mutating func flow(_ text: ArraySlice<UInt8>, at cursor: inout Int, line: Int, depth: Int) throws(PolicyDocumentError) -> YAMLNode {
        try count(line: line, depth: depth)
        let open = text[cursor]
        let close = open == UInt8(ascii: "[") ? UInt8(ascii: "]") : UInt8(ascii: "}")
        cursor += 1
        var items: [YAMLNode] = []
        var entries: [(key: String, value: YAMLNode)] = []
        var seen: Set<String> = []
        skipSpaces(text, &cursor)
        if cursor < text.endIndex, text[cursor] == close {
            cursor += 1
            return open == UInt8(ascii: "[") ? .sequence([], line: line) : .mapping([], line: line)
        }
        while true {
            if open == UInt8(ascii: "[") {
                items.append(try flowValue(text, at: &cursor, line: line, depth: depth + 1))
            } else {
                let keyNode = try flowValue(text, at: &cursor, line: line, depth: depth + 1, isKey: true)
                guard case .scalar(let key, _, _) = keyNode else {
                    throw PolicyDocumentError(line: line, "flow mapping keys must be scalars")
                }
                skipSpaces(text, &cursor)
                guard cursor < text.endIndex, text[cursor] == UInt8(ascii: ":") else {
                    throw PolicyDocumentError(line: line, "expected \":\" in flow mapping")
                }
                cursor += 1
                guard seen.insert(key).inserted else { throw PolicyDocumentError(line: line, field: key, "duplicate key") }
                entries.append((key, try flowValue(text, at: &cursor, line: line, depth: depth + 1)))
            }
            skipSpaces(text, &cursor)
            guard cursor < text.endIndex else {
                throw PolicyDocumentError(line: line, "unterminated flow collection (flow collections must fit on one line)")
            }
            if text[cursor] == close { cursor += 1; break }
            guard text[cursor] == UInt8(ascii: ",") else {
                throw PolicyDocumentError(line: line, "expected \",\" or \"\(Character(Unicode.Scalar(close)))\" in flow collection")
            }
            cursor += 1
        }
        return open == UInt8(ascii: "[") ? .sequence(items, line: line) : .mapping(entries, line: line)
    }

    private mutating func flowValue(_ text: ArraySlice<UInt8>, at cursor: inout Int, line: Int, depth: Int, isKey: Bool = false) throws(PolicyDocumentError) -> YAMLNode {
        skipSpaces(text, &cursor)
        guard cursor < text.endIndex else { throw PolicyDocumentError(line: line, "unterminated flow collection") }
        switch text[cursor] {
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            if isKey { throw PolicyDocumentError(line: line, "complex keys are not supported") }
            return try flow(text, at: &cursor, line: line, depth: depth)
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            try count(line: line, depth: depth)
            return .scalar(try Self.quoted(text, at: &cursor, line: line), quoted: true, line: line)
        default:
            try count(line: line, depth: depth)
            let start = cursor
            while cursor < text.endIndex {
                let byte = text[cursor]
                if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") { break }
                if byte == UInt8(ascii: ":"), isKey || cursor + 1 == text.endIndex || text[cursor + 1] == UInt8(ascii: " ") { break }
                if byte == UInt8(ascii: "#"), cursor > start, text[cursor - 1] == UInt8(ascii: " ") {
                    throw PolicyDocumentError(line: line, "unterminated flow collection (flow collections must fit on one line)")
                }
                cursor += 1
            }
            let value = Self.trimTrailing(text[start..<cursor])
            try Self.refuseIndicator(value, line: line)
            if value.contains(UInt8(ascii: "[")) || value.contains(UInt8(ascii: "{")) {
                throw PolicyDocumentError(line: line, "unexpected bracket in flow scalar (quote it)")
            }
            return .scalar(String(decoding: value, as: UTF8.self), quoted: false, line: line)
        }
    }

    private func skipSpaces(_ text: ArraySlice<UInt8>, _ cursor: inout Int) {
        while cursor < text.endIndex, text[cursor] == UInt8(ascii: " ") || text[cursor] == UInt8(ascii: "\t") { cursor += 1 }
    }

    /// A single- or double-quoted scalar starting at `cursor`; leaves `cursor` after the closing quote.
    private static func quoted(_ text: ArraySlice<UInt8>, at cursor: inout Int, line: Int) throws(PolicyDocumentError) -> String {
        let quote = text[cursor]
        cursor += 1
        var out: [UInt8] = []
        while cursor < text.endIndex {
            let byte = text[cursor]
            cursor += 1
            if quote == UInt8(ascii: "'") {
                if byte == quote {
                    if cursor < text.endIndex, text[cursor] == quote { out.append(quote); cursor += 1; continue }
                    return String(decoding: out, as: UTF8.self)
                }
                out.append(byte)
                continue
            }
            if byte == quote { return String(decoding: out, as: UTF8.self) }
            guard byte == UInt8(ascii: "\\") else { out.append(byte); continue }
            guard cursor < text.endIndex else { break }
            let escape = text[cursor]
            cursor += 1
            switch escape {
            case UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "/"): out.append(escape)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "x"), UInt8(ascii: "u"), UInt8(ascii: "U"):
                let digits = escape == UInt8(ascii: "x") ? 2 : escape == UInt8(ascii: "u") ? 4 : 8
                guard cursor + digits <= text.endIndex,
                      let value = UInt32(String(decoding: text[cursor..<(cursor + digits)], as: UTF8.self), radix: 16),
                      let scalar = Unicode.Scalar(value), value != 0
                else { throw PolicyDocumentError(line: line, "invalid \\\(Character(Unicode.Scalar(escape))) escape") }
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
                cursor += digits
            default:
                throw PolicyDocumentError(line: line, "unknown escape \\\(Character(Unicode.Scalar(escape)))")
            }
        }
        throw PolicyDocumentError(line: line, "unterminated quoted string")
    }
}
