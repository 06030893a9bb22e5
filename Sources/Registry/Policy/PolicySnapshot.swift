import PolicyCore

/// Everything resolution needs about one organisation, read at one moment: its agents, groups,
/// memberships and active documents (parsed).
struct PolicySnapshot: Sendable {
    var agents: [Agent]
    var groups: [PolicyGroup]
    var members: [PolicyGroupMember]
    var active: [PolicyRecord]
    private var documents: [String: PolicyDocument]

    static func load(orgID: String, store: any PolicyService.Store) async throws -> PolicySnapshot {
        var agents: [Agent] = []
        var cursor: PageCursor?
        while true {
            let page = try await store.agents(orgID: orgID, kind: .agent, after: cursor, limit: 1000)
            agents += page
            guard page.count == 1000, let last = page.last else { break }
            cursor = PageCursor(createdAt: last.createdAt, id: last.id)
        }
        let active = try await store.policies(orgID: orgID, scope: nil, state: .active)
        var documents: [String: PolicyDocument] = [:]
        for record in active {
            // Stored documents were validated when proposed; one that no longer parses (a stricter
            // parser after an upgrade) fails the build loudly rather than being skipped silently.
            documents[record.id] = try PolicyDocument.parse(Array(record.yamlContent.utf8))
        }
        return PolicySnapshot(
            agents: agents, groups: try await store.policyGroups(orgID: orgID), members: try await store.policyGroupMembers(orgID: orgID),
            active: active, documents: documents
        )
    }

    /// The org document, the agent's groups' documents by precedence and its own, in resolution order.
    func chain(for agentID: String?) -> [ScopedPolicy] {
        func scoped(_ type: PolicyScopeType, _ id: String, _ scope: PolicyScope) -> ScopedPolicy? {
            guard let record = active.first(where: { $0.scopeType == type && $0.scopeID == id }), let document = documents[record.id] else {
                return nil
            }
            return ScopedPolicy(scope: scope, document: document, policyID: record.id, version: record.version)
        }
        let org = active.first { $0.scopeType == .org }.flatMap { scoped(.org, $0.scopeID, .org) }
        guard let agentID else { return PolicyResolver.chain(org: org, groups: [], agent: nil) }
        let groupIDs = Set(members.filter { $0.agentID == agentID }.map(\.groupID))
        let groups = self.groups.filter { groupIDs.contains($0.id) }.compactMap { group in
            scoped(.group, group.id, .group(group.id)).map { (precedence: group.precedence, policy: $0) }
        }
        return PolicyResolver.chain(org: org, groups: groups, agent: scoped(.agent, agentID, .agent(agentID)))
    }

    /// The OPA bundle: the organisation's own policy as `config`, and every agent with a DID.
    func bundle() -> PolicyBundle {
        let (config, configLineage) = PolicyResolver.resolve(chain(for: nil))
        let agents: [BundleAgent] = agents.compactMap { agent in
            guard let did = agent.did else { return nil }
            let (policy, lineage) = PolicyResolver.resolve(chain(for: agent.id))
            return BundleAgent(state: PolicyAgentState(did: did, status: agent.status.publicStatus), policy: policy, lineage: lineage)
        }
        return PolicyBundle(config: config, configLineage: configLineage, agents: agents)
    }
}
