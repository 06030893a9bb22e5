/// A node of the strict YAML subset policy documents are written in (see ``YAMLParser``).
public indirect enum YAMLNode: Sendable, Equatable {
    /// A scalar: its text, whether it was quoted (a quoted `"1"` is never a number or null), its line.
    case scalar(String, quoted: Bool, line: Int)
    /// A mapping in document order (keys are unique; the parser refuses duplicates).
    case mapping([(key: String, value: YAMLNode)], line: Int)
    /// A sequence.
    case sequence([YAMLNode], line: Int)

    /// The 1-based line the node starts on.
    public var line: Int {
        switch self {
        case .scalar(_, _, let line), .mapping(_, let line), .sequence(_, let line): line
        }
    }

    /// Whether this is YAML's null: an empty plain scalar, `~` or `null`.
    public var isNull: Bool {
        if case .scalar(let text, false, _) = self { return text.isEmpty || text == "~" || text == "null" }
        return false
    }

    public static func == (lhs: YAMLNode, rhs: YAMLNode) -> Bool {
        switch (lhs, rhs) {
        case let (.scalar(a, qa, la), .scalar(b, qb, lb)): a == b && qa == qb && la == lb
        case let (.sequence(a, la), .sequence(b, lb)): a == b && la == lb
        case let (.mapping(a, la), .mapping(b, lb)):
            la == lb && a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: false
        }
    }
}

/// Why a policy document was refused: the line and, when known, the field, so an author can fix it.
public struct PolicyDocumentError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line in the YAML text (0 when the problem is the document as a whole).
    public let line: Int
    /// Dotted field path such as `rate_limits[0].rpm`, or nil for a syntax error.
    public let field: String?
    public let message: String

    public init(line: Int, field: String? = nil, _ message: String) {
        self.line = line
        self.field = field
        self.message = message
    }

    /// `line 3: rate_limits[0].rpm: must be a positive integer`.
    public var description: String {
        var text = "line \(line): "
        if let field { text += "\(field): " }
        return text + message
    }
}
