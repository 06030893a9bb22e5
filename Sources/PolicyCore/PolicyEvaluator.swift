import BadgeCore

/// The answer to one decision input.
public struct PolicyDecision: Sendable, Equatable {
    /// `ALLOW` or `DENY`.
    public var decision: String
    public var reason: String
    /// RFC-005 §10 obligations (`{"type": "rate_limit.apply", "params": {"rpm", "key"}}`), empty on DENY.
    public var obligations: [JSONValue]

    public init(decision: String, reason: String, obligations: [JSONValue]) {
        self.decision = decision
        self.reason = reason
        self.obligations = obligations
    }

    /// The decision as the Rego query answers it: `decision`, `reason`, `obligations`.
    public var members: [String: JSONValue] {
        ["decision": .string(decision), "reason": .string(reason), "obligations": .array(obligations)]
    }

    public var json: JSONValue { .object(members) }
}

/// An agent as the bundle lists it: its DID and the status verifiers see (`active`, `disabled`, `suspended`).
public struct PolicyAgentState: Sendable, Equatable {
    public var did: String
    public var status: String

    public init(did: String, status: String) {
        self.did = did
        self.status = status
    }
}

/// Evaluates decision inputs natively with exactly the semantics of ``PolicyRego/module``
/// (strings compared by bytes, as Rego does), so that simulation answers what the PDP enforces.
public struct PolicyEvaluator: Sendable {
    private let config: ResolvedPolicy
    private let byAgentDID: [[UInt8]: ResolvedPolicy]
    private let inactiveDIDs: Set<[UInt8]>

    /// - Parameters:
    ///   - config: the organisation's own resolved policy, for subjects that are not its agents.
    ///   - byAgentDID: each agent's resolved policy by DID.
    ///   - agents: every agent with a DID; any status but `active` is refused.
    public init(config: ResolvedPolicy, byAgentDID: [String: ResolvedPolicy], agents: [PolicyAgentState]) {
        self.config = config
        var policies: [[UInt8]: ResolvedPolicy] = [:]
        for (did, policy) in byAgentDID { policies[Array(did.utf8)] = policy }
        self.byAgentDID = policies
        self.inactiveDIDs = Set(agents.filter { $0.status != "active" }.map { Array($0.did.utf8) })
    }

    public func evaluate(_ input: JSONValue) -> PolicyDecision {
        let did = Array((input["subject"]?["did"]?.stringValue ?? "").utf8)
        let rank = input["subject"]?["trust_level"]?.stringValue.flatMap(PolicyTrustLevel.init(input:))?.rawValue ?? -1
        let policy = byAgentDID[did] ?? config
        let subject = Subject(did: did, rank: rank)

        var denial: String?
        if inactiveDIDs.contains(did) {
            denial = "subject agent is disabled"
        } else if let why = subject.refusal(policy.base) {
            denial = why
        } else {
            var refusals: [String] = []
            let categories: [(String, String, [ResolvedRule])] = [
                ("operation", "operation", policy.operations),
                ("mcp_tool", "mcp_tool", policy.mcpTools),
                ("capability_class", "capability_class", policy.capabilityClasses),
            ]
            for (label, field, rules) in categories {
                guard let value = input["action"]?[field]?.stringValue else { continue }
                for rule in rules where Self.matches(rule.key, value) {
                    if let why = subject.refusal(rule) { refusals.append("\(label) \(rule.key): \(why)") }
                }
            }
            denial = refusals.min(by: bytesPrecede)
        }
        if let denial { return PolicyDecision(decision: "DENY", reason: denial, obligations: []) }
        let obligations: [JSONValue] = policy.rateLimits.filter { $0.did.utf8.elementsEqual(did) }.map { limit in
            ["type": "rate_limit.apply", "params": ["rpm": .int(Int64(limit.rpm)), "key": .string(String(decoding: did, as: UTF8.self))]]
        }
        return PolicyDecision(decision: "ALLOW", reason: "allowed by policy", obligations: obligations)
    }

    /// Exact match, or a prefix match when the pattern ends in `*` (one `*` removed).
    static func matches(_ pattern: String, _ value: String) -> Bool {
        if pattern.utf8.elementsEqual(value.utf8) { return true }
        guard pattern.utf8.last == UInt8(ascii: "*") else { return false }
        return value.utf8.starts(with: pattern.utf8.dropLast())
    }

    private struct Subject {
        let did: [UInt8]
        let rank: Int

        func refusal(_ rule: ResolvedRule) -> String? {
            if rule.deniedDIDs.contains(where: { $0.utf8.elementsEqual(did) }) { return "subject DID is denied" }
            if rule.restrictToAllowed, !rule.allowedDIDs.contains(where: { $0.utf8.elementsEqual(did) }) {
                return "subject DID is not in allowed_dids"
            }
            if let level = rule.minTrustLevel, rank < level.rawValue { return "trust level below \(level.name)" }
            return nil
        }
    }
}
