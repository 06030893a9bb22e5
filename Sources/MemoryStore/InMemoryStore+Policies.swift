import Registry

extension MemoryQueries {
    public func insertPolicy(_ record: PolicyRecord) async throws {
        try await memory.write { state in
            try state.requireOrganization(record.orgID, for: "policy_documents.org_id")
            try state.unique("policy_documents.id", state.policies[record.id] != nil)
            try state.unique("policy_documents.org_id", state.policies.values.contains {
                $0.orgID == record.orgID && $0.scopeType == record.scopeType && $0.scopeID == record.scopeID
                    && ($0.version == record.version || ($0.state == .active && record.state == .active))
            })
            state.policies[record.id] = record
        }
    }

    public func policy(orgID: String, id: String) async throws -> PolicyRecord? {
        try await memory.read { state in state.policies[id].flatMap { $0.orgID == orgID ? $0 : nil } }
    }

    public func policies(orgID: String, scope: (type: PolicyScopeType, id: String)?, state wanted: PolicyState?) async throws -> [PolicyRecord] {
        try await memory.read { state in
            state.policies.values
                .filter { record in
                    record.orgID == orgID && (scope.map { record.scopeType == $0.type && record.scopeID == $0.id } ?? true)
                        && (wanted.map { record.state == $0 } ?? true)
                }
                .sorted { ($0.scopeType.rawValue, $0.scopeID, $0.version) < ($1.scopeType.rawValue, $1.scopeID, $1.version) }
        }
    }

    public func latestPolicyVersion(orgID: String, scopeType: PolicyScopeType, scopeID: String) async throws -> Int {
        try await memory.read { state in
            state.policies.values.filter { $0.orgID == orgID && $0.scopeType == scopeType && $0.scopeID == scopeID }.map(\.version).max() ?? 0
        }
    }

    public func transitionPolicy(
        orgID: String, id: String, from: PolicyState, to: PolicyState, decidedBy: String?, reason: String?, at: Int64
    ) async throws -> Bool {
        try await memory.write { state in
            guard var record = state.policies[id], record.orgID == orgID, record.state == from else { return false }
            if to == .active {
                try state.unique("policy_documents.org_id", state.policies.values.contains {
                    $0.id != id && $0.orgID == orgID && $0.scopeType == record.scopeType && $0.scopeID == record.scopeID && $0.state == .active
                })
            }
            record.state = to
            record.decidedBy = decidedBy
            record.rejectReason = reason
            record.updatedAt = at
            state.policies[id] = record
            return true
        }
    }

    public func supersedeActivePolicy(orgID: String, scopeType: PolicyScopeType, scopeID: String, at: Int64) async throws {
        try await memory.write { state in
            for (id, record) in state.policies
            where record.orgID == orgID && record.scopeType == scopeType && record.scopeID == scopeID && record.state == .active {
                state.policies[id]?.state = .superseded
                state.policies[id]?.updatedAt = at
            }
        }
    }

    public func insertPolicyGroup(_ group: PolicyGroup) async throws {
        try await memory.write { state in
            try state.requireOrganization(group.orgID, for: "policy_groups.org_id")
            try state.unique("policy_groups.id", state.policyGroups[group.id] != nil)
            try state.unique("policy_groups.org_id", state.policyGroups.values.contains { $0.orgID == group.orgID && $0.name == group.name })
            state.policyGroups[group.id] = group
        }
    }

    public func policyGroups(orgID: String) async throws -> [PolicyGroup] {
        try await memory.read { state in
            state.policyGroups.values.filter { $0.orgID == orgID }.sorted { ($0.precedence, $0.id) < ($1.precedence, $1.id) }
        }
    }

    public func setPolicyGroupMember(orgID: String, _ member: PolicyGroupMember, present: Bool) async throws -> Bool {
        try await memory.write { state in
            guard state.policyGroups[member.groupID]?.orgID == orgID else { return false }
            if present { return state.policyGroupMembers[orgID, default: []].insert(member).inserted }
            return state.policyGroupMembers[orgID]?.remove(member) != nil
        }
    }

    public func policyGroupMembers(orgID: String) async throws -> [PolicyGroupMember] {
        try await memory.read { state in
            (state.policyGroupMembers[orgID] ?? []).sorted { ($0.groupID, $0.agentID) < ($1.groupID, $1.agentID) }
        }
    }

    public func deletePolicyGroup(orgID: String, id: String) async throws -> Bool {
        try await memory.write { state in
            guard state.policyGroups[id]?.orgID == orgID else { return false }
            state.policyGroups[id] = nil
            state.policyGroupMembers[orgID] = state.policyGroupMembers[orgID]?.filter { $0.groupID != id }
            return true
        }
    }

    public func policyBundleVersion(orgID: String, revision: String, at: Int64) async throws -> Int {
        try await memory.write { state in
            let versions = state.policyBundleVersions[orgID] ?? []
            if let latest = versions.last, latest.revision == revision { return latest.version }
            let next = (versions.last?.version ?? 0) + 1
            state.policyBundleVersions[orgID, default: []].append((next, revision))
            return next
        }
    }
}
