import BadgeCore
import PolicyCore
import Testing

@Suite struct PolicyEvaluatorTests {
    private func policy(_ yaml: String) throws -> ResolvedPolicy {
        let document = try PolicyDocument.parse(Array(("version: \"1\"\n" + yaml).utf8))
        return PolicyResolver.resolve([ScopedPolicy(scope: .org, document: document, policyID: "p", version: 1)]).0
    }

    private func input(_ did: String, _ level: String? = nil, operation: String? = nil, tool: String? = nil, capability: String? = nil) -> JSONValue {
        var subject: [String: JSONValue] = ["did": .string(did)]
        if let level { subject["trust_level"] = .string(level) }
        var action: [String: JSONValue] = [:]
        if let operation { action["operation"] = .string(operation) }
        if let tool { action["mcp_tool"] = .string(tool) }
        if let capability { action["capability_class"] = .string(capability) }
        return ["subject": .object(subject), "action": .object(action), "resource": [:], "context": [:], "environment": [:]]
    }

    private func evaluator(config: ResolvedPolicy = .empty, agents: [String: ResolvedPolicy] = [:], states: [PolicyAgentState] = []) -> PolicyEvaluator {
        PolicyEvaluator(config: config, byAgentDID: agents, agents: states)
    }

    @Test func emptyPolicyAllows() {
        #expect(evaluator().evaluate(input("did:x:1")) == PolicyDecision(decision: "ALLOW", reason: "allowed by policy", obligations: []))
    }

    @Test func disabledAgentIsDeniedFirst() throws {
        let states = [PolicyAgentState(did: "did:x:1", status: "disabled"), PolicyAgentState(did: "did:x:2", status: "active")]
        let config = try policy("denied_dids: [did:x:1]\n")
        #expect(evaluator(config: config, states: states).evaluate(input("did:x:1")).reason == "subject agent is disabled")
        #expect(evaluator(states: states).evaluate(input("did:x:2")).decision == "ALLOW")
    }

    @Test func deniedBeforeAllowListBeforeTrust() throws {
        let config = try policy("min_trust_level: EV\nallowed_dids: [did:x:2]\ndenied_dids: [did:x:1]\n")
        let subject = evaluator(config: config)
        #expect(subject.evaluate(input("did:x:1", "0")).reason == "subject DID is denied")
        #expect(subject.evaluate(input("did:x:3", "0")).reason == "subject DID is not in allowed_dids")
        #expect(subject.evaluate(input("did:x:2", "3")).reason == "trust level below EV")
        #expect(subject.evaluate(input("did:x:2", "4")).decision == "ALLOW")
        #expect(subject.evaluate(input("did:x:2", "EV")).decision == "ALLOW")
    }

    @Test func trustLevelsByNameOrCodeAndUnknownIsLowest() throws {
        let subject = evaluator(config: try policy("min_trust_level: SS\n"))
        #expect(subject.evaluate(input("did:x:1", "0")).decision == "ALLOW")
        #expect(subject.evaluate(input("did:x:1", "SS")).decision == "ALLOW")
        #expect(subject.evaluate(input("did:x:1", "5")).reason == "trust level below SS")
        #expect(subject.evaluate(input("did:x:1", "dv")).reason == "trust level below SS")
        #expect(subject.evaluate(input("did:x:1")).reason == "trust level below SS")
    }

    @Test func agentPolicyIsUsedForItsDIDElseTheOrganisations() throws {
        let subject = evaluator(config: try policy("min_trust_level: EV\n"), agents: ["did:x:1": try policy("")])
        #expect(subject.evaluate(input("did:x:1")).decision == "ALLOW")
        #expect(subject.evaluate(input("did:x:2")).decision == "DENY")
    }

    @Test func matchingRulesApplyAndTheSmallestRefusalIsTheReason() throws {
        let config = try policy("""
        operations:
          - {pattern: "pay.*", min_trust_level: OV}
          - {pattern: pay.send, denied_dids: [did:x:1]}
          - {pattern: "*", min_trust_level: SS}
        mcp_tools:
          - {tool: rm, allowed_dids: [did:x:9]}
        capability_classes:
          - {class: billing.write, min_trust_level: EV}
        """)
        let subject = evaluator(config: config)
        #expect(subject.evaluate(input("did:x:1", "DV", operation: "pay.send")).reason == "operation pay.*: trust level below OV")
        #expect(subject.evaluate(input("did:x:1", "OV", operation: "pay.send")).reason == "operation pay.send: subject DID is denied")
        #expect(subject.evaluate(input("did:x:1", "OV", operation: "pay")).decision == "ALLOW")
        #expect(subject.evaluate(input("did:x:1", "OV", operation: "pa")).decision == "ALLOW")
        #expect(subject.evaluate(input("did:x:1", nil, operation: "read")).reason == "operation *: trust level below SS")
        #expect(subject.evaluate(input("did:x:1", "OV", operation: "x", tool: "rm")).reason == "mcp_tool rm: subject DID is not in allowed_dids")
        #expect(subject.evaluate(input("did:x:9", "OV", operation: "x", tool: "rm")).decision == "ALLOW")
        #expect(subject.evaluate(input("did:x:9", "OV", operation: "x", capability: "billing.write")).reason == "capability_class billing.write: trust level below EV")
        #expect(subject.evaluate(input("did:x:9", "OV", operation: "x", capability: "billing.read")).decision == "ALLOW")
    }

    @Test func rateLimitsBecomeObligationsOnlyOnAllow() throws {
        let config = try policy("rate_limits:\n  - {did: did:x:1, rpm: 7}\n  - {did: did:x:2, rpm: 9}\nmin_trust_level: DV\n")
        let subject = evaluator(config: config)
        let allowed = subject.evaluate(input("did:x:1", "2"))
        #expect(allowed.obligations == [["type": "rate_limit.apply", "params": ["rpm": 7, "key": "did:x:1"]]])
        #expect(subject.evaluate(input("did:x:1", "1")).obligations.isEmpty)
    }

    @Test func comparesStringsByBytesLikeRego() throws {
        // U+212A KELVIN SIGN is canonically equivalent to "K": Swift's == would match, Rego does not.
        let subject = evaluator(config: try policy("denied_dids: [did:web:K]\n"))
        #expect(subject.evaluate(input("did:web:\u{212A}")).decision == "ALLOW")
        #expect(subject.evaluate(input("did:web:K")).decision == "DENY")
    }

    @Test func malformedInputIsReadAsMissingFields() {
        let subject = evaluator(config: .empty)
        #expect(subject.evaluate("text").decision == "ALLOW")
        #expect(subject.evaluate(["subject": ["did": 5, "trust_level": 2]]).decision == "ALLOW")
    }

    @Test func bundleRevisionChangesExactlyWithContent() throws {
        let config = try policy("min_trust_level: DV\n")
        let agent = BundleAgent(state: PolicyAgentState(did: "did:x:1", status: "active"), policy: config,
                                lineage: .none)
        let first = PolicyBundle(config: config, agents: [agent])
        let same = PolicyBundle(config: config, agents: [agent])
        var disabled = agent
        disabled.state.status = "disabled"
        let changed = PolicyBundle(config: config, agents: [disabled])
        #expect(first.revision == same.revision)
        #expect(first.revision != changed.revision)
        #expect(first.revision.utf8.count == 64)
        #expect(first.json["modules"]?[PolicyRego.moduleName]?.stringValue == PolicyRego.module)
        #expect(first.json["data"]?["agents"] == [["did": "did:x:1", "status": "active"]])
        #expect(changed.evaluator.evaluate(input("did:x:1", "DV")).reason == "subject agent is disabled")
    }
}
