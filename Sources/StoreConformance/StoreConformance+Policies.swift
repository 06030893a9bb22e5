import Registry

extension StoreConformance {
    static func policyRecord(
        _ org: Organization, scope: PolicyScopeType = .org, scopeID: String? = nil, version: Int, state: PolicyState = .proposal, at time: Int64 = 100
    ) -> PolicyRecord {
        PolicyRecord(
            id: uuid(), orgID: org.id, scopeType: scope, scopeID: scopeID ?? org.id, state: state, version: version,
            yamlContent: "version: \"1\"\n# v\(version)\n", contentHash: "h\(version)", createdBy: "user:u1", createdAt: time, updatedAt: time
        )
    }

    static let policyCases: [ConformanceCase] = [
        ConformanceCase(name: "policy documents: versions are unique per scope, reads are per organisation and ordered") { store in
            let a = try await makeOrg(store)
            let b = try await makeOrg(store)
            let first = policyRecord(a, version: 1)
            try await store.insertPolicy(first)
            try await expectThrows("a second version 1 in one scope", {
                try await store.insertPolicy(policyRecord(a, version: 1))
            }, matches: { if case StoreError.uniqueViolation = $0 { true } else { false } })
            let second = policyRecord(a, version: 2)
            let agentDoc = policyRecord(a, scope: .agent, scopeID: "agent-1", version: 1)
            try await store.insertPolicy(second)
            try await store.insertPolicy(agentDoc)
            try await store.insertPolicy(policyRecord(b, version: 1))
            try await expect(try await store.policy(orgID: a.id, id: first.id) == first, "every field round-trips")
            try await expect(try await store.policy(orgID: b.id, id: first.id) == nil, "another organisation does not see it")
            try await expect(try await store.latestPolicyVersion(orgID: a.id, scopeType: .org, scopeID: a.id) == 2, "latest version")
            try await expect(try await store.latestPolicyVersion(orgID: a.id, scopeType: .group, scopeID: "none") == 0, "no version yet")
            try await expect(try await store.policies(orgID: a.id, scope: nil, state: nil) == [agentDoc, first, second], "ordered by scope then version")
            try await expect(try await store.policies(orgID: a.id, scope: (.org, a.id), state: nil) == [first, second], "one scope")
            try await expect(try await store.policies(orgID: a.id, scope: nil, state: .active).isEmpty, "no active yet")
        },
        ConformanceCase(name: "policy documents: a transition happens once, and one document per scope is active") { store in
            let org = try await makeOrg(store)
            let one = policyRecord(org, version: 1)
            let two = policyRecord(org, version: 2)
            try await store.insertPolicy(one)
            try await store.insertPolicy(two)
            try await expect(try await store.transitionPolicy(orgID: org.id, id: one.id, from: .proposal, to: .active, decidedBy: "user:u2", reason: nil, at: 200), "proposal → active")
            try await expect(!(try await store.transitionPolicy(orgID: org.id, id: one.id, from: .proposal, to: .rejected, decidedBy: "user:u2", reason: "no", at: 201)), "not twice")
            try await expectThrows("a second active document in the scope", {
                _ = try await store.transitionPolicy(orgID: org.id, id: two.id, from: .proposal, to: .active, decidedBy: nil, reason: nil, at: 202)
            }, matches: { if case StoreError.uniqueViolation = $0 { true } else { false } })
            try await store.inTransaction { tx in
                try await tx.supersedeActivePolicy(orgID: org.id, scopeType: .org, scopeID: org.id, at: 300)
                _ = try await tx.transitionPolicy(orgID: org.id, id: two.id, from: .proposal, to: .active, decidedBy: "user:u3", reason: nil, at: 300)
            }
            let stored = try await store.policies(orgID: org.id, scope: (.org, org.id), state: nil)
            try await expect(stored.map(\.state) == [.superseded, .active], "the old one superseded, the new one active")
            try await expect(stored[1].decidedBy == "user:u3" && stored[1].updatedAt == 300, "decision recorded")
            let other = try await makeOrg(store)
            try await expect(!(try await store.transitionPolicy(orgID: other.id, id: stored[1].id, from: .active, to: .superseded, decidedBy: nil, reason: nil, at: 1)), "another organisation cannot move it")
        },
        ConformanceCase(name: "policy groups: unique names per organisation, membership only in the organisation's groups") { store in
            let a = try await makeOrg(store)
            let b = try await makeOrg(store)
            let low = PolicyGroup(id: uuid(), orgID: a.id, name: "low", precedence: 20, createdAt: 1)
            let high = PolicyGroup(id: uuid(), orgID: a.id, name: "high", precedence: 10, createdAt: 2)
            try await store.insertPolicyGroup(low)
            try await store.insertPolicyGroup(high)
            try await store.insertPolicyGroup(PolicyGroup(id: uuid(), orgID: b.id, name: "low", precedence: 1, createdAt: 3))
            try await expectThrows("a second group named low", {
                try await store.insertPolicyGroup(PolicyGroup(id: uuid(), orgID: a.id, name: "low", precedence: 1, createdAt: 4))
            }, matches: { if case StoreError.uniqueViolation = $0 { true } else { false } })
            try await expect(try await store.policyGroups(orgID: a.id) == [high, low], "ordered by precedence")
            let member = PolicyGroupMember(groupID: low.id, agentID: "agent-1")
            try await expect(try await store.setPolicyGroupMember(orgID: a.id, member, present: true), "added")
            try await expect(!(try await store.setPolicyGroupMember(orgID: a.id, member, present: true)), "already a member")
            try await expect(!(try await store.setPolicyGroupMember(orgID: b.id, member, present: true)), "not through another organisation")
            try await expect(try await store.policyGroupMembers(orgID: a.id) == [member], "listed")
            try await expect(try await store.policyGroupMembers(orgID: b.id).isEmpty, "not in b")
            try await expect(try await store.setPolicyGroupMember(orgID: a.id, member, present: false), "removed")
            try await expect(try await store.policyGroupMembers(orgID: a.id).isEmpty, "gone")

            // Deleting a group takes its memberships with it, and only through its organisation.
            let kept = PolicyGroupMember(groupID: high.id, agentID: "agent-2")
            _ = try await store.setPolicyGroupMember(orgID: a.id, member, present: true)
            _ = try await store.setPolicyGroupMember(orgID: a.id, kept, present: true)
            try await expect(!(try await store.deletePolicyGroup(orgID: b.id, id: low.id)), "not through another organisation")
            try await expect(try await store.policyGroups(orgID: a.id) == [high, low], "still there")
            try await expect(try await store.deletePolicyGroup(orgID: a.id, id: low.id), "deleted")
            try await expect(try await store.policyGroups(orgID: a.id) == [high], "gone from the list")
            try await expect(try await store.policyGroupMembers(orgID: a.id) == [kept], "its memberships went with it")
            try await expect(!(try await store.setPolicyGroupMember(orgID: a.id, member, present: true)), "no joining a deleted group")
            try await expect(!(try await store.deletePolicyGroup(orgID: a.id, id: low.id)), "deleted once")
        },
        ConformanceCase(name: "policy bundle versions grow exactly when the revision changes") { store in
            let org = try await makeOrg(store)
            try await expect(try await store.policyBundleVersion(orgID: org.id, revision: "r1", at: 1) == 1, "first")
            try await expect(try await store.policyBundleVersion(orgID: org.id, revision: "r1", at: 2) == 1, "same revision, same version")
            try await expect(try await store.policyBundleVersion(orgID: org.id, revision: "r2", at: 3) == 2, "new revision")
            try await expect(try await store.policyBundleVersion(orgID: org.id, revision: "r1", at: 4) == 3, "back to old content is still newer")
            let other = try await makeOrg(store)
            try await expect(try await store.policyBundleVersion(orgID: other.id, revision: "r2", at: 5) == 1, "per organisation")
        },
    ]
}
