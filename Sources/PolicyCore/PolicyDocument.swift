/// A trust level a policy can require, lowest first (`SS` < `REG` < `DV` < `OV` < `EV`).
public enum PolicyTrustLevel: Int, Sendable, Comparable, CaseIterable {
    case SS = 0, REG, DV, OV, EV

    /// The name policy documents use.
    public var name: String { String(describing: self) }

    /// The level named `name` in a policy document (`"DV"`), else nil.
    public init?(name: String) {
        guard let level = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = level
    }

    /// The level a decision input carries: a policy name (`"DV"`) or an RFC-002 badge code (`"2"`).
    public init?(input: String) {
        if let level = PolicyTrustLevel(name: input) { self = level; return }
        guard input.utf8.count == 1, let code = Int(input), let level = PolicyTrustLevel(rawValue: code) else { return nil }
        self = level
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Access rules for one operation pattern, MCP tool or capability class (or the whole document).
public struct PolicyRule: Sendable, Equatable {
    /// The pattern, tool or class the rule is about (empty for the document's top-level rule).
    public var key: String
    public var minTrustLevel: PolicyTrustLevel?
    /// When non-empty, only these DIDs pass.
    public var allowedDIDs: [String]
    public var deniedDIDs: [String]

    public init(key: String = "", minTrustLevel: PolicyTrustLevel? = nil, allowedDIDs: [String] = [], deniedDIDs: [String] = []) {
        self.key = key
        self.minTrustLevel = minTrustLevel
        self.allowedDIDs = allowedDIDs
        self.deniedDIDs = deniedDIDs
    }
}

/// Requests per minute allowed to one DID.
public struct RateLimitRule: Sendable, Equatable {
    public var did: String
    public var rpm: Int

    public init(did: String, rpm: Int) {
        self.did = did
        self.rpm = rpm
    }
}

/// One policy document in capiscio's YAML schema (`capiscio-policy.yaml`, schema version "1"), at
/// organisation, group or agent scope.
public struct PolicyDocument: Sendable, Equatable {
    /// The top-level `min_trust_level`, `allowed_dids` and `denied_dids` (its `key` is empty).
    public var base: PolicyRule
    public var rateLimits: [RateLimitRule]
    public var operations: [PolicyRule]
    public var mcpTools: [PolicyRule]
    public var capabilityClasses: [PolicyRule]

    public init(base: PolicyRule = PolicyRule(), rateLimits: [RateLimitRule] = [], operations: [PolicyRule] = [],
                mcpTools: [PolicyRule] = [], capabilityClasses: [PolicyRule] = []) {
        self.base = base
        self.rateLimits = rateLimits
        self.operations = operations
        self.mcpTools = mcpTools
        self.capabilityClasses = capabilityClasses
    }

    /// The largest `rpm` accepted (well inside every engine's integer range).
    public static let maxRPM = 1_000_000_000
    /// The longest DID, pattern, tool or class name accepted, in bytes.
    public static let maxNameBytes = 2048

    /// Parses and validates YAML text; the error names the line and the field.
    public static func parse(_ yaml: some Collection<UInt8>) throws(PolicyDocumentError) -> PolicyDocument {
        try PolicyDocumentDecoder.decode(try YAMLParser.parse(yaml))
    }
}
