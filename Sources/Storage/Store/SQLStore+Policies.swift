import Registry

extension SQLQueries {
    public func insertPolicy(_ record: PolicyRecord) async throws {
        try await executor.query(
            """
            INSERT INTO policy_documents (id, org_id, scope_type, scope_id, state, version, yaml_content, content_hash, created_by,
                created_at, updated_at, decided_by, reject_reason)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
            """,
            [
                .text(record.id), .text(record.orgID), .text(record.scopeType.rawValue), .text(record.scopeID), .text(record.state.rawValue),
                .int(Int64(record.version)), .text(record.yamlContent), .text(record.contentHash), .text(record.createdBy),
                .int(record.createdAt), .int(record.updatedAt), .optional(record.decidedBy), .optional(record.rejectReason),
            ]
        )
    }

    public func policy(orgID: String, id: String) async throws -> PolicyRecord? {
        try await executor.query("SELECT * FROM policy_documents WHERE org_id = $1 AND id = $2", [.text(orgID), .text(id)])
            .first.map(Self.policyRecord(from:))
    }

    public func policies(orgID: String, scope: (type: PolicyScopeType, id: String)?, state: PolicyState?) async throws -> [PolicyRecord] {
        var binds: [SQLValue] = [.text(orgID)]
        var sql = "SELECT * FROM policy_documents WHERE org_id = $1"
        if let scope {
            binds += [.text(scope.type.rawValue), .text(scope.id)]
            sql += " AND scope_type = $\(binds.count - 1) AND scope_id = $\(binds.count)"
        }
        if let state {
            binds.append(.text(state.rawValue))
            sql += " AND state = $\(binds.count)"
        }
        return try await executor.query(sql + " ORDER BY scope_type, scope_id, version", binds).map(Self.policyRecord(from:))
    }

    public func latestPolicyVersion(orgID: String, scopeType: PolicyScopeType, scopeID: String) async throws -> Int {
        let rows = try await executor.query(
            "SELECT MAX(version) AS latest FROM policy_documents WHERE org_id = $1 AND scope_type = $2 AND scope_id = $3",
            [.text(orgID), .text(scopeType.rawValue), .text(scopeID)]
        )
        return Int(try rows.first?.optionalInt("latest") ?? 0)
    }

    public func transitionPolicy(
        orgID: String, id: String, from: PolicyState, to: PolicyState, decidedBy: String?, reason: String?, at: Int64
    ) async throws -> Bool {
        let rows = try await executor.query(
            """
            UPDATE policy_documents SET state = $4, decided_by = $5, reject_reason = $6, updated_at = $7
            WHERE org_id = $1 AND id = $2 AND state = $3 RETURNING id
            """,
            [.text(orgID), .text(id), .text(from.rawValue), .text(to.rawValue), .optional(decidedBy), .optional(reason), .int(at)]
        )
        return !rows.isEmpty
    }

    public func supersedeActivePolicy(orgID: String, scopeType: PolicyScopeType, scopeID: String, at: Int64) async throws {
        try await executor.query(
            """
            UPDATE policy_documents SET state = 'superseded', updated_at = $4
            WHERE org_id = $1 AND scope_type = $2 AND scope_id = $3 AND state = 'active'
            """,
            [.text(orgID), .text(scopeType.rawValue), .text(scopeID), .int(at)]
        )
    }

    public func insertPolicyGroup(_ group: PolicyGroup) async throws {
        try await executor.query(
            "INSERT INTO policy_groups (id, org_id, name, precedence, created_at) VALUES ($1, $2, $3, $4, $5)",
            [.text(group.id), .text(group.orgID), .text(group.name), .int(Int64(group.precedence)), .int(group.createdAt)]
        )
    }

    public func policyGroups(orgID: String) async throws -> [PolicyGroup] {
        try await executor.query("SELECT * FROM policy_groups WHERE org_id = $1 ORDER BY precedence, id", [.text(orgID)]).map { row in
            PolicyGroup(
                id: try row.string("id"), orgID: try row.string("org_id"), name: try row.string("name"),
                precedence: Int(try row.int("precedence")), createdAt: try row.int("created_at")
            )
        }
    }

    public func setPolicyGroupMember(orgID: String, _ member: PolicyGroupMember, present: Bool) async throws -> Bool {
        let binds: [SQLValue] = [.text(orgID), .text(member.groupID), .text(member.agentID)]
        if present {
            // Only into a group of the same organisation.
            return !(try await executor.query(
                """
                INSERT INTO policy_group_members (org_id, group_id, agent_id)
                SELECT $1, id, $3 FROM policy_groups WHERE org_id = $1 AND id = $2
                ON CONFLICT (group_id, agent_id) DO NOTHING RETURNING agent_id
                """, binds
            )).isEmpty
        }
        return !(try await executor.query(
            "DELETE FROM policy_group_members WHERE org_id = $1 AND group_id = $2 AND agent_id = $3 RETURNING agent_id", binds
        )).isEmpty
    }

    public func policyGroupMembers(orgID: String) async throws -> [PolicyGroupMember] {
        try await executor.query(
            "SELECT group_id, agent_id FROM policy_group_members WHERE org_id = $1 ORDER BY group_id, agent_id", [.text(orgID)]
        ).map { PolicyGroupMember(groupID: try $0.string("group_id"), agentID: try $0.string("agent_id")) }
    }

    public func deletePolicyGroup(orgID: String, id: String) async throws -> Bool {
        try await executor.query("DELETE FROM policy_group_members WHERE org_id = $1 AND group_id = $2", [.text(orgID), .text(id)])
        return !(try await executor.query("DELETE FROM policy_groups WHERE org_id = $1 AND id = $2 RETURNING id", [.text(orgID), .text(id)])).isEmpty
    }

    public func policyBundleVersion(orgID: String, revision: String, at: Int64) async throws -> Int {
        // Another process may record the same next version first: then read again (a few rounds
        // at most, since each lost race means someone else advanced the version).
        for _ in 0..<5 {
            let latest = try await executor.query(
                "SELECT version, revision FROM policy_bundle_versions WHERE org_id = $1 ORDER BY version DESC LIMIT 1", [.text(orgID)]
            ).first
            if let latest, try latest.string("revision") == revision { return Int(try latest.int("version")) }
            let next = Int(try latest?.int("version") ?? 0) + 1
            let inserted = try await executor.query(
                """
                INSERT INTO policy_bundle_versions (org_id, version, revision, created_at) VALUES ($1, $2, $3, $4)
                ON CONFLICT (org_id, version) DO NOTHING RETURNING version
                """,
                [.text(orgID), .int(Int64(next)), .text(revision), .int(at)]
            )
            if !inserted.isEmpty { return next }
        }
        throw StoreError.uniqueViolation(constraint: "policy_bundle_versions.org_id")
    }

    static func policyRecord(from row: SQLRow) throws -> PolicyRecord {
        guard let scopeType = PolicyScopeType(rawValue: try row.string("scope_type")),
              let state = PolicyState(rawValue: try row.string("state"))
        else { throw SQLRowError.unexpected("scope_type") }
        return PolicyRecord(
            id: try row.string("id"), orgID: try row.string("org_id"), scopeType: scopeType, scopeID: try row.string("scope_id"),
            state: state, version: Int(try row.int("version")), yamlContent: try row.string("yaml_content"),
            contentHash: try row.string("content_hash"), createdBy: try row.string("created_by"), createdAt: try row.int("created_at"),
            updatedAt: try row.int("updated_at"), decidedBy: try row.optionalString("decided_by"),
            rejectReason: try row.optionalString("reject_reason")
        )
    }
}
