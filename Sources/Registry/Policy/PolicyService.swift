import BadgeCore
import Foundation
import PolicyCore

/// Settings of the policy use cases.
public struct PolicySettings: Sendable {
    /// `POLICY_REQUIRE_SECOND_APPROVER`: the proposer of a document cannot approve it.
    public var requireSecondApprover = false
    /// How long a built bundle is served before it is rebuilt from the database: bounds how late a
    /// change made by another process (or an agent status change) shows in the bundle.
    public var bundleMaxAge: Duration = .seconds(1)

    public init() {}
}

/// Policy documents at organisation, group and agent scope: proposals an admin approves or
/// rejects, history, resolution, and the OPA bundle capiscio-core's PDP polls (issue #16).
public struct PolicyService: Sendable {
    /// The storage ports this use case needs.
    public typealias Store = PolicyStore & AgentStore & AuditStore & UnitOfWork

    let store: any Store
    let clock: any RegistryClock
    let settings: PolicySettings
    let issuer: IssuerIdentity
    let ca: CAService
    let cache: SharedBuilds<String, PolicyBundle>

    public init(store: any Store, clock: any RegistryClock, settings: PolicySettings, issuer: IssuerIdentity, ca: CAService) {
        self.store = store
        self.clock = clock
        self.settings = settings
        self.issuer = issuer
        self.ca = ca
        self.cache = SharedBuilds(maxAge: settings.bundleMaxAge)
    }

    /// The largest `yaml_content` accepted, in bytes.
    public static var maxYAMLBytes: Int { YAMLParser.maxBytes }

    // MARK: Proposals

    /// Creates a proposal for the scope from `yaml` (validated first; the error names line and field).
    public func propose(_ principal: Principal, orgID: String, scope: PolicyScopeType, scopeID: String?, yaml: String) async throws -> PolicyRecord {
        try requireOrganization(principal, orgID)
        let target = try await resolveScope(orgID: orgID, scope: scope, scopeID: scopeID)
        guard !yaml.isEmpty else { throw RegistryError(.invalidPolicy, "yaml_content must not be empty") }
        do {
            _ = try PolicyDocument.parse(Array(yaml.utf8))
        } catch {
            throw RegistryError(.invalidPolicy, error.description)
        }
        let now = clock.now()
        let hash = Base16.sha256(of: yaml)
        // Two proposals for one scope may race for a version: the loser takes the next one.
        for _ in 0..<5 {
            let version = try await store.latestPolicyVersion(orgID: orgID, scopeType: scope, scopeID: target) + 1
            let record = PolicyRecord(
                id: UUID().uuidString.lowercased(), orgID: orgID, scopeType: scope, scopeID: target, state: .proposal, version: version,
                yamlContent: yaml, contentHash: hash, createdBy: Self.actor(principal), createdAt: now, updatedAt: now
            )
            do {
                try await store.inTransaction { tx in
                    try await tx.insertPolicy(record)
                    try await tx.appendEvent(.make(
                        "policy.proposed", orgID: orgID, actor: record.createdBy, subject: record.id,
                        details: ["scope_type": .string(scope.rawValue), "scope_id": .string(target), "version": .int(Int64(version))], at: now
                    ))
                }
                return record
            } catch StoreError.uniqueViolation {
                continue
            }
        }
        throw RegistryError(.conflict, "concurrent proposals for this scope; try again")
    }

    /// Activates a proposal, superseding the scope's active document.
    public func approve(_ principal: Principal, orgID: String, id: String) async throws -> PolicyRecord {
        try requireOrganization(principal, orgID)
        let record = try await pendingProposal(orgID: orgID, id: id)
        let actor = Self.actor(principal)
        if settings.requireSecondApprover, record.createdBy == actor {
            throw RegistryError(.secondApproverRequired, "POLICY_REQUIRE_SECOND_APPROVER is on: the proposer cannot approve their own proposal")
        }
        let now = clock.now()
        try await store.inTransaction { tx in
            try await tx.supersedeActivePolicy(orgID: orgID, scopeType: record.scopeType, scopeID: record.scopeID, at: now)
            guard try await tx.transitionPolicy(orgID: orgID, id: id, from: .proposal, to: .active, decidedBy: actor, reason: nil, at: now) else {
                throw RegistryError(.proposalNotPending, "the document is no longer a proposal")
            }
            try await tx.appendEvent(.make(
                "policy.approved", orgID: orgID, actor: actor, subject: id, details: ["version": .int(Int64(record.version))], at: now
            ))
        }
        await cache.invalidate(orgID)
        return try await store.policy(orgID: orgID, id: id) ?? record
    }

    /// Rejects a proposal with a reason.
    public func reject(_ principal: Principal, orgID: String, id: String, reason: String) async throws -> PolicyRecord {
        try requireOrganization(principal, orgID)
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty, reason.count <= 1000 else { throw RegistryError.invalidRequest("a reason of 1–1000 characters is required") }
        _ = try await pendingProposal(orgID: orgID, id: id)
        let actor = Self.actor(principal)
        let now = clock.now()
        try await store.inTransaction { tx in
            guard try await tx.transitionPolicy(orgID: orgID, id: id, from: .proposal, to: .rejected, decidedBy: actor, reason: reason, at: now) else {
                throw RegistryError(.proposalNotPending, "the document is no longer a proposal")
            }
            try await tx.appendEvent(.make("policy.rejected", orgID: orgID, actor: actor, subject: id, details: ["reason": .string(reason)], at: now))
        }
        return try await store.policy(orgID: orgID, id: id)!
    }

    /// Takes the scope's active document out of force (state `archived`): the scope then inherits
    /// from the scopes above it. 404 when the scope has no active document.
    public func archive(_ principal: Principal, orgID: String, scope: PolicyScopeType, scopeID: String?) async throws -> PolicyRecord {
        try requireOrganization(principal, orgID)
        let target = try await resolveScope(orgID: orgID, scope: scope, scopeID: scopeID)
        let actor = Self.actor(principal)
        let now = clock.now()
        let archived = try await store.inTransaction { tx -> String in
            guard let active = try await tx.policies(orgID: orgID, scope: (scope, target), state: .active).first,
                  try await tx.transitionPolicy(orgID: orgID, id: active.id, from: .active, to: .archived, decidedBy: actor, reason: nil, at: now) else {
                throw RegistryError.notFound("active \(scope.rawValue) policy")
            }
            try await tx.appendEvent(.make(
                "policy.archived", orgID: orgID, actor: actor, subject: active.id,
                details: ["scope_type": .string(scope.rawValue), "scope_id": .string(target), "version": .int(Int64(active.version))], at: now
            ))
            return active.id
        }
        await cache.invalidate(orgID)
        return try await store.policy(orgID: orgID, id: archived)!
    }

    // MARK: Reads

    /// The active document of a scope; 404 when there is none.
    public func active(_ principal: Principal, orgID: String, scope: PolicyScopeType, scopeID: String?) async throws -> PolicyRecord {
        try requireOrganization(principal, orgID)
        let target = try await resolveScope(orgID: orgID, scope: scope, scopeID: scopeID)
        guard let record = try await store.policies(orgID: orgID, scope: (scope, target), state: .active).first else {
            throw RegistryError.notFound("active \(scope.rawValue) policy")
        }
        return record
    }

    /// Every document of a scope, oldest version first.
    public func history(_ principal: Principal, orgID: String, scope: PolicyScopeType, scopeID: String?) async throws -> [PolicyRecord] {
        try requireOrganization(principal, orgID)
        let target = try await resolveScope(orgID: orgID, scope: scope, scopeID: scopeID)
        return try await store.policies(orgID: orgID, scope: (scope, target), state: nil)
    }

    /// Pending proposals of every scope.
    public func proposals(_ principal: Principal, orgID: String) async throws -> [PolicyRecord] {
        try requireOrganization(principal, orgID)
        return try await store.policies(orgID: orgID, scope: nil, state: .proposal)
    }

    /// The agent's resolved policy and its lineage.
    public func resolved(_ principal: Principal, orgID: String, agentID: String) async throws -> (ResolvedPolicy, PolicyLineage) {
        try requireOrganization(principal, orgID)
        guard try await isAgent(agentID, of: orgID) else { throw RegistryError.agentNotFound }
        let snapshot = try await PolicySnapshot.load(orgID: orgID, store: store)
        return PolicyResolver.resolve(snapshot.chain(for: agentID))
    }

    // MARK: Groups

    /// Creates an agent group (names are unique in the organisation).
    public func createGroup(_ principal: Principal, orgID: String, name: String, precedence: Int) async throws -> PolicyGroup {
        try requireOrganization(principal, orgID)
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 200 else { throw RegistryError.invalidRequest("name must be 1–200 characters") }
        guard (-1_000_000...1_000_000).contains(precedence) else {
            throw RegistryError.invalidRequest("precedence must be an integer from -1000000 to 1000000")
        }
        let group = PolicyGroup(id: UUID().uuidString.lowercased(), orgID: orgID, name: name, precedence: precedence, createdAt: clock.now())
        do {
            try await store.insertPolicyGroup(group)
        } catch StoreError.uniqueViolation {
            throw RegistryError(.conflict, "a group named \"\(name)\" exists")
        }
        await cache.invalidate(orgID)
        return group
    }

    /// Adds an agent of the organisation to one of its groups (or removes it).
    public func setMember(_ principal: Principal, orgID: String, groupID: String, agentID: String, present: Bool) async throws {
        try requireOrganization(principal, orgID)
        guard try await store.policyGroups(orgID: orgID).contains(where: { $0.id == groupID }) else { throw RegistryError.notFound("group") }
        guard try await isAgent(agentID, of: orgID) else { throw RegistryError.agentNotFound }
        _ = try await store.setPolicyGroupMember(orgID: orgID, PolicyGroupMember(groupID: groupID, agentID: agentID), present: present)
        await cache.invalidate(orgID)
    }

    /// Deletes a group with its memberships; its active document and pending proposals are
    /// archived (history is kept), in one transaction.
    public func deleteGroup(_ principal: Principal, orgID: String, groupID: String) async throws {
        try requireOrganization(principal, orgID)
        let actor = Self.actor(principal)
        let now = clock.now()
        try await store.inTransaction { tx in
            for state in [PolicyState.active, .proposal] {
                for record in try await tx.policies(orgID: orgID, scope: (.group, groupID), state: state) {
                    _ = try await tx.transitionPolicy(orgID: orgID, id: record.id, from: state, to: .archived, decidedBy: actor, reason: nil, at: now)
                }
            }
            guard try await tx.deletePolicyGroup(orgID: orgID, id: groupID) else { throw RegistryError.notFound("group") }
            try await tx.appendEvent(.make("policy.group.deleted", orgID: orgID, actor: actor, subject: groupID, at: now))
        }
        await cache.invalidate(orgID)
    }

    public func groups(_ principal: Principal, orgID: String) async throws -> [PolicyGroup] {
        try requireOrganization(principal, orgID)
        return try await store.policyGroups(orgID: orgID)
    }

    // MARK: Helpers

    /// Another organisation's policy routes answer 404, as if it did not exist.
    func requireOrganization(_ principal: Principal, _ orgID: String) throws {
        guard principal.orgID == orgID else { throw RegistryError(.organizationNotFound, "organisation not found") }
    }

    /// The stored scope id: the organisation's own id, or a group or agent of the organisation.
    private func resolveScope(orgID: String, scope: PolicyScopeType, scopeID: String?) async throws -> String {
        switch scope {
        case .org:
            return orgID
        case .group:
            guard let scopeID, try await store.policyGroups(orgID: orgID).contains(where: { $0.id == scopeID }) else {
                throw RegistryError.notFound("group")
            }
            return scopeID
        case .agent:
            guard let scopeID, try await isAgent(scopeID, of: orgID) else { throw RegistryError.agentNotFound }
            return scopeID
        }
    }

    /// Whether `id` is an agent (not an MCP server, which shares the table) of the organisation.
    private func isAgent(_ id: String, of orgID: String) async throws -> Bool {
        guard let agent = try await store.agent(id: id) else { return false }
        return agent.orgID == orgID && agent.kind == .agent
    }

    private func pendingProposal(orgID: String, id: String) async throws -> PolicyRecord {
        guard let record = try await store.policy(orgID: orgID, id: id) else { throw RegistryError.notFound("proposal") }
        guard record.state == .proposal else {
            throw RegistryError(.proposalNotPending, "the document is \(record.state.rawValue), not a proposal")
        }
        return record
    }

    /// `user:<id>` for a signed-in person, `api_key:<id>` for a key.
    static func actor(_ principal: Principal) -> String {
        if let user = principal.userID { return "user:\(user)" }
        return "api_key:\(principal.apiKeyID ?? "unknown")"
    }
}
