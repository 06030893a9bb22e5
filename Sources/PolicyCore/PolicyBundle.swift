import BadgeCore
import Crypto

/// One agent's part of a bundle.
public struct BundleAgent: Sendable, Equatable {
    public var state: PolicyAgentState
    public var policy: ResolvedPolicy
    public var lineage: PolicyLineage

    public init(state: PolicyAgentState, policy: ResolvedPolicy, lineage: PolicyLineage) {
        self.state = state
        self.policy = policy
        self.lineage = lineage
    }
}

/// The OPA bundle capiscio-core's PDP polls (`pkg/pdp` `BundleContents`): `modules`, `data`,
/// `revision`, where the revision is the SHA-256 (hex) of the canonical JSON of modules and data,
/// so it changes exactly when the content does.
public struct PolicyBundle: Sendable {
    /// `{"modules": …, "data": …, "revision": …}`.
    public let json: JSONValue
    /// `json` serialized once: the bundle endpoint answers these bytes to every poll.
    public let serialized: [UInt8]
    public let revision: String
    /// The same semantics, evaluated natively (simulation, the differential test).
    public let evaluator: PolicyEvaluator
    /// Each agent's lineage by DID, and the organisation's own, for answers that explain a decision.
    public let agentLineages: [String: PolicyLineage]
    public let configLineage: PolicyLineage

    public init(config: ResolvedPolicy, configLineage: PolicyLineage = .none, agents: [BundleAgent]) {
        self.configLineage = configLineage
        var byDID: [String: JSONValue] = [:]
        var lineage: [String: JSONValue] = [:]
        var policies: [String: ResolvedPolicy] = [:]
        var lineages: [String: PolicyLineage] = [:]
        for agent in agents {
            lineages[agent.state.did] = agent.lineage
            byDID[agent.state.did] = agent.policy.json
            lineage[agent.state.did] = agent.lineage.json
            policies[agent.state.did] = agent.policy
        }
        let states = agents.map(\.state).sorted { bytesPrecede($0.did, $1.did) }
        let data: JSONValue = [
            "config": config.json,
            "resolved_policies": ["by_agent_did": .object(byDID)],
            "policy_lineage": ["by_agent_did": .object(lineage)],
            "agents": .array(states.map { ["did": .string($0.did), "status": .string($0.status)] }),
        ]
        let content: JSONValue = ["modules": [PolicyRego.moduleName: .string(PolicyRego.module)], "data": data]
        let digest = SHA256.hash(data: content.canonicalJSON())
        revision = Base16.encode(digest)
        guard case .object(var object) = content else { preconditionFailure("content is an object literal") }
        object["revision"] = .string(revision)
        json = .object(object)
        serialized = json.serialized()
        agentLineages = lineages
        evaluator = PolicyEvaluator(config: config, byAgentDID: policies, agents: states)
    }
}
