import PolicyCore
import Testing

@Suite struct PolicyResolutionTests {
    private func scoped(_ scope: PolicyScope, _ yaml: String, version: Int = 1) throws -> ScopedPolicy {
        ScopedPolicy(scope: scope, document: try PolicyDocument.parse(Array(("version: \"1\"\n" + yaml).utf8)), policyID: "pol-\(scope.label)", version: version)
    }

    @Test func highestTrustLevelWinsWhicheverScopeSetsIt() throws {
        let org = try scoped(.org, "min_trust_level: OV\n")
        let group = try scoped(.group("g"), "min_trust_level: DV\n")
        let agent = try scoped(.agent("a"), "min_trust_level: REG\n")
        let (resolved, lineage) = PolicyResolver.resolve([org, group, agent])
        #expect(resolved.base.minTrustLevel == .OV)
        #expect(lineage.fields["min_trust_level"] == ["org"])
        let (stricterAgent, agentLineage) = PolicyResolver.resolve([org, group, try scoped(.agent("a"), "min_trust_level: EV\n")])
        #expect(stricterAgent.base.minTrustLevel == .EV)
        #expect(agentLineage.fields["min_trust_level"] == ["agent:a"])
    }

    @Test func denialsAreUnited() throws {
        let (resolved, lineage) = PolicyResolver.resolve([
            try scoped(.org, "denied_dids: [did:x:2, did:x:1]\n"),
            try scoped(.agent("a"), "denied_dids: [did:x:3, did:x:1]\n"),
        ])
        #expect(resolved.base.deniedDIDs == ["did:x:1", "did:x:2", "did:x:3"])
        #expect(lineage.fields["denied_dids"] == ["org", "agent:a"])
    }

    @Test func allowListsIntersectAndAnEmptyIntersectionAdmitsNobody() throws {
        let (resolved, _) = PolicyResolver.resolve([
            try scoped(.org, "allowed_dids: [did:x:1, did:x:2]\n"),
            try scoped(.group("g"), ""),
            try scoped(.agent("a"), "allowed_dids: [did:x:2, did:x:3]\n"),
        ])
        #expect(resolved.base.allowedDIDs == ["did:x:2"])
        #expect(resolved.base.restrictToAllowed)
        let (disjoint, _) = PolicyResolver.resolve([
            try scoped(.org, "allowed_dids: [did:x:1]\n"), try scoped(.agent("a"), "allowed_dids: [did:x:3]\n"),
        ])
        #expect(disjoint.base.allowedDIDs.isEmpty)
        #expect(disjoint.base.restrictToAllowed)
        let (open, _) = PolicyResolver.resolve([try scoped(.org, "")])
        #expect(!open.base.restrictToAllowed)
    }

    @Test func lowestRPMWinsPerDID() throws {
        let (resolved, lineage) = PolicyResolver.resolve([
            try scoped(.org, "rate_limits:\n  - {did: did:x:1, rpm: 100}\n  - {did: did:x:2, rpm: 5}\n"),
            try scoped(.group("g"), "rate_limits:\n  - {did: did:x:1, rpm: 10}\n"),
            try scoped(.agent("a"), "rate_limits:\n  - {did: did:x:1, rpm: 50}\n"),
        ])
        #expect(resolved.rateLimits == [RateLimitRule(did: "did:x:1", rpm: 10), RateLimitRule(did: "did:x:2", rpm: 5)])
        #expect(lineage.fields["rate_limits.did:x:1"] == ["group:g"])
        #expect(lineage.fields["rate_limits.did:x:2"] == ["org"])
    }

    @Test func rulesForTheSameKeyMergeStrictly() throws {
        let (resolved, lineage) = PolicyResolver.resolve([
            try scoped(.org, "operations:\n  - {pattern: \"pay.*\", min_trust_level: DV, denied_dids: [did:x:1], allowed_dids: [did:x:2, did:x:3]}\n  - {pattern: b}\n"),
            try scoped(.agent("a"), "operations:\n  - {pattern: \"pay.*\", min_trust_level: OV, denied_dids: [did:x:4], allowed_dids: [did:x:3]}\nmcp_tools:\n  - {tool: t, min_trust_level: SS}\n"),
        ])
        #expect(resolved.operations == [
            ResolvedRule(key: "b"),
            ResolvedRule(key: "pay.*", minTrustLevel: .OV, allowedDIDs: ["did:x:3"], restrictToAllowed: true, deniedDIDs: ["did:x:1", "did:x:4"]),
        ])
        #expect(resolved.mcpTools == [ResolvedRule(key: "t", minTrustLevel: .SS)])
        #expect(lineage.fields["operations.pay.*"] == ["org", "agent:a"])
        #expect(lineage.fields["operations.pay.*.min_trust_level"] == ["agent:a"])
        #expect(lineage.fields["mcp_tools.t"] == ["agent:a"])
    }

    @Test func chainOrdersOrgThenGroupsByPrecedenceThenAgent() throws {
        let org = try scoped(.org, "")
        let low = try scoped(.group("low"), "")
        let high = try scoped(.group("high"), "")
        let tieA = try scoped(.group("a"), "")
        let agent = try scoped(.agent("x"), "")
        let chain = PolicyResolver.chain(org: org, groups: [(20, low), (10, high), (20, tieA)], agent: agent)
        #expect(chain.map(\.scope.label) == ["org", "group:high", "group:a", "group:low", "agent:x"])
        let (_, lineage) = PolicyResolver.resolve(chain)
        #expect(lineage.sources.map(\.scope) == [.org, .group("high"), .group("a"), .group("low"), .agent("x")])
    }

    @Test func noDocumentsResolveToTheEmptyPolicy() {
        #expect(PolicyResolver.resolve([]).0 == ResolvedPolicy.empty)
    }
}
