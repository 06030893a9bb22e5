/// Where a policy document applies.
public enum PolicyScope: Sendable, Hashable {
    case org
    case group(String)
    case agent(String)

    /// `org`, `group`, `agent`, as the API's `scope_type`.
    public var type: String {
        switch self {
        case .org: "org"
        case .group: "group"
        case .agent: "agent"
        }
    }

    /// `org`, `group:<id>`, `agent:<id>`, as lineage names scopes.
    public var label: String {
        switch self {
        case .org: "org"
        case .group(let id): "group:\(id)"
        case .agent(let id): "agent:\(id)"
        }
    }
}

/// One active document and the scope it applies at, as input to resolution.
public struct ScopedPolicy: Sendable, Equatable {
    public var scope: PolicyScope
    public var document: PolicyDocument
    /// The stored document's id and version, reported in lineage.
    public var policyID: String
    public var version: Int

    public init(scope: PolicyScope, document: PolicyDocument, policyID: String, version: Int) {
        self.scope = scope
        self.document = document
        self.policyID = policyID
        self.version = version
    }
}

/// A rule after resolution: the allow-list is explicit about whether it restricts at all, because
/// intersecting two non-empty allow-lists can leave an empty one that admits nobody.
public struct ResolvedRule: Sendable, Equatable {
    public var key: String
    public var minTrustLevel: PolicyTrustLevel?
    /// Sorted by UTF-8 bytes, without duplicates.
    public var allowedDIDs: [String]
    /// Whether `allowedDIDs` applies (some scope had a non-empty allow-list).
    public var restrictToAllowed: Bool
    /// Sorted by UTF-8 bytes, without duplicates.
    public var deniedDIDs: [String]

    public init(key: String, minTrustLevel: PolicyTrustLevel? = nil, allowedDIDs: [String] = [], restrictToAllowed: Bool = false, deniedDIDs: [String] = []) {
        self.key = key
        self.minTrustLevel = minTrustLevel
        self.allowedDIDs = allowedDIDs
        self.restrictToAllowed = restrictToAllowed
        self.deniedDIDs = deniedDIDs
    }
}

/// The effective policy of one agent (or of the organisation alone).
public struct ResolvedPolicy: Sendable, Equatable {
    public var base: ResolvedRule
    /// One per DID (the lowest rpm any scope set), sorted by DID.
    public var rateLimits: [RateLimitRule]
    /// Sorted by key.
    public var operations: [ResolvedRule]
    public var mcpTools: [ResolvedRule]
    public var capabilityClasses: [ResolvedRule]

    /// The policy of an organisation without any document: everything allowed.
    public static let empty = ResolvedPolicy(base: ResolvedRule(key: ""), rateLimits: [], operations: [], mcpTools: [], capabilityClasses: [])
}

/// Which scopes set each field of a resolved policy.
public struct PolicyLineage: Sendable, Equatable {
    /// The documents that took part, in resolution order (org, groups by precedence, agent).
    public var sources: [ScopedPolicy]
    /// Field path (`min_trust_level`, `denied_dids`, `rate_limits.<did>`, `operations.<pattern>`,
    /// …) → labels of the scopes whose value decided it, in resolution order.
    public var fields: [String: [String]]

    public init(sources: [ScopedPolicy], fields: [String: [String]]) {
        self.sources = sources
        self.fields = fields
    }

    /// No documents took part.
    public static let none = PolicyLineage(sources: [], fields: [:])
}

/// Resolution org → groups (by precedence) → agent where the stricter value always wins: the
/// highest trust level, the union of denials, the intersection of allow-lists, the lowest rpm.
/// Rules for the same operation pattern, MCP tool or capability class merge the same way.
/// Because every merge is the stricter of two values, no scope can loosen what another set.
public enum PolicyResolver {
    /// Orders documents as resolution does: org first, then groups by ascending `precedence`
    /// (lower is higher priority; ties by group id), then the agent's own.
    public static func chain(org: ScopedPolicy?, groups: [(precedence: Int, policy: ScopedPolicy)], agent: ScopedPolicy?) -> [ScopedPolicy] {
        let ordered = groups.sorted { lhs, rhs in
            lhs.precedence != rhs.precedence ? lhs.precedence < rhs.precedence : bytesPrecede(lhs.policy.scope.label, rhs.policy.scope.label)
        }
        return (org.map { [$0] } ?? []) + ordered.map(\.policy) + (agent.map { [$0] } ?? [])
    }

    /// The effective policy of `chain` (already in resolution order) and its lineage.
    public static func resolve(_ chain: [ScopedPolicy]) -> (ResolvedPolicy, PolicyLineage) {
        var lineage: [String: [String]] = [:]
        let base = merge(chain.map { ($0.scope.label, $0.document.base) }, key: "", path: "", lineage: &lineage)
        var rpm: [String: Int] = [:]
        for policy in chain {
            for limit in policy.document.rateLimits { rpm[limit.did] = min(rpm[limit.did] ?? .max, limit.rpm) }
        }
        for policy in chain {
            for limit in policy.document.rateLimits where rpm[limit.did] == limit.rpm {
                lineage["rate_limits.\(limit.did)", default: []].append(policy.scope.label)
            }
        }
        let limits = rpm.map { RateLimitRule(did: $0.key, rpm: $0.value) }.sorted { bytesPrecede($0.did, $1.did) }
        let resolved = ResolvedPolicy(
            base: base,
            rateLimits: limits,
            operations: mergeRules(chain, \.operations, field: "operations", lineage: &lineage),
            mcpTools: mergeRules(chain, \.mcpTools, field: "mcp_tools", lineage: &lineage),
            capabilityClasses: mergeRules(chain, \.capabilityClasses, field: "capability_classes", lineage: &lineage)
        )
        return (resolved, PolicyLineage(sources: chain, fields: lineage))
    }

    private static func mergeRules(_ chain: [ScopedPolicy], _ list: KeyPath<PolicyDocument, [PolicyRule]>, field: String,
                                   lineage: inout [String: [String]]) -> [ResolvedRule] {
        var byKey: [String: [(String, PolicyRule)]] = [:]
        for policy in chain {
            for rule in policy.document[keyPath: list] { byKey[rule.key, default: []].append((policy.scope.label, rule)) }
        }
        return byKey.keys.sorted(by: bytesPrecede).map { key in
            lineage["\(field).\(key)"] = byKey[key]!.map(\.0)
            return merge(byKey[key]!, key: key, path: "\(field).\(key).", lineage: &lineage)
        }
    }

    /// Merges one rule as set by several scopes, recording which scopes decided each part.
    private static func merge(_ rules: [(scope: String, rule: PolicyRule)], key: String, path: String,
                              lineage: inout [String: [String]]) -> ResolvedRule {
        var result = ResolvedRule(key: key)
        result.minTrustLevel = rules.compactMap(\.rule.minTrustLevel).max()
        if let level = result.minTrustLevel {
            lineage[path + "min_trust_level"] = rules.filter { $0.rule.minTrustLevel == level }.map(\.scope)
        }
        let allowLists = rules.filter { !$0.rule.allowedDIDs.isEmpty }
        if let first = allowLists.first {
            result.restrictToAllowed = true
            var allowed = Set(first.rule.allowedDIDs)
            for other in allowLists.dropFirst() { allowed.formIntersection(other.rule.allowedDIDs) }
            result.allowedDIDs = allowed.sorted(by: bytesPrecede)
            lineage[path + "allowed_dids"] = allowLists.map(\.scope)
        }
        let denyLists = rules.filter { !$0.rule.deniedDIDs.isEmpty }
        if !denyLists.isEmpty {
            result.deniedDIDs = Set(denyLists.flatMap(\.rule.deniedDIDs)).sorted(by: bytesPrecede)
            lineage[path + "denied_dids"] = denyLists.map(\.scope)
        }
        return result
    }
}

/// Byte-wise UTF-8 order, the order every Rego engine sorts strings in (Swift's `<` on `String`
/// compares by Unicode canonical ordering instead).
public func bytesPrecede(_ lhs: String, _ rhs: String) -> Bool {
    lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
}
