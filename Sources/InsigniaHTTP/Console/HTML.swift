/// A fragment of HTML that is safe to send. The only way to put text into one is `text` (and the
/// builder's string expressions, which call it) or an attribute value, and both escape: markup
/// can only come from tag and attribute names, which must be string literals (`StaticString`).
/// So an agent named `<script>alert(1)</script>` always renders as those characters.
struct HTML: Sendable {
    /// The serialised markup. Never settable from outside this file.
    private(set) var markup: String

    private init(markup: String) { self.markup = markup }

    /// Nothing.
    static let empty = HTML(markup: "")

    /// `value` as text: `& < > " '` escaped.
    static func text(_ value: String) -> HTML { HTML(markup: escape(value)) }

    /// `<name attributes>children</name>`. An attribute with a nil value is left out; one whose
    /// value is empty is written bare (`required`, `checked`).
    static func element(_ name: StaticString, _ attributes: KeyValuePairs<StaticString, String?> = [:], children: [HTML]) -> HTML {
        var markup = "<\(name)\(serialise(attributes))>"
        for child in children { markup += child.markup }
        markup += "</\(name)>"
        return HTML(markup: markup)
    }

    /// A void element (`input`, `meta`, `link`, `br`): no children, no end tag.
    static func void(_ name: StaticString, _ attributes: KeyValuePairs<StaticString, String?> = [:]) -> HTML {
        HTML(markup: "<\(name)\(serialise(attributes))>")
    }

    /// Fragments one after another.
    init(_ parts: [HTML]) { markup = parts.map(\.markup).joined() }

    /// A whole page: the doctype and `html`.
    static func document(_ html: HTML) -> String { "<!doctype html>\n" + html.markup }

    private static func serialise(_ attributes: KeyValuePairs<StaticString, String?>) -> String {
        var out = ""
        for (name, value) in attributes {
            guard let value else { continue }
            out += value.isEmpty ? " \(name)" : " \(name)=\"\(escape(value))\""
        }
        return out
    }

    static func escape(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for character in value.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }
}

/// Builds `[HTML]` from statements: fragments, strings (as escaped text), `if`, `for`, optionals.
@resultBuilder
enum HTMLBuilder {
    static func buildExpression(_ html: HTML) -> [HTML] { [html] }
    static func buildExpression(_ text: String) -> [HTML] { [.text(text)] }
    static func buildExpression(_ parts: [HTML]) -> [HTML] { parts }
    static func buildBlock(_ parts: [HTML]...) -> [HTML] { parts.flatMap { $0 } }
    static func buildOptional(_ parts: [HTML]?) -> [HTML] { parts ?? [] }
    static func buildEither(first parts: [HTML]) -> [HTML] { parts }
    static func buildEither(second parts: [HTML]) -> [HTML] { parts }
    static func buildArray(_ parts: [[HTML]]) -> [HTML] { parts.flatMap { $0 } }
}

/// `el("p", ["class": "note"]) { "text"; el("b") { name } }`: an element with built children.
func el(_ name: StaticString, _ attributes: KeyValuePairs<StaticString, String?> = [:], @HTMLBuilder _ children: () -> [HTML] = { [] }) -> HTML {
    HTML.element(name, attributes, children: children())
}

/// Fragments without a wrapping element.
func fragment(@HTMLBuilder _ children: () -> [HTML]) -> HTML { HTML(children()) }
