/// Storage port for policy documents, agent groups and memberships. Every method is scoped to
/// `orgID`: another organisation's rows are invisible.
public protocol PolicyStore: Sendable {
    /// Throws `StoreError.uniqueViolation` when the scope already has that version (two proposals
    /// raced: the caller retries with the next one).
    func insertPolicy(_ record: PolicyRecord) async throws
    func policy(orgID: String, id: String) async throws -> PolicyRecord?
    /// Documents of the organisation, optionally of one scope and/or state, ordered by
    /// (scope_type, scope_id, version).
    func policies(orgID: String, scope: (type: PolicyScopeType, id: String)?, state: PolicyState?) async throws -> [PolicyRecord]
    /// The highest version stored for the scope, 0 when none.
    func latestPolicyVersion(orgID: String, scopeType: PolicyScopeType, scopeID: String) async throws -> Int
    /// Moves document `id` from state `from` to `to`, recording the decision. Returns false, changing
    /// nothing, when the document is not (or no longer) in `from`: the conditional write that makes
    /// approving or rejecting a proposal happen once.
    func transitionPolicy(orgID: String, id: String, from: PolicyState, to: PolicyState, decidedBy: String?, reason: String?, at: Int64) async throws -> Bool
    /// Marks the active document of the scope superseded (if any).
    func supersedeActivePolicy(orgID: String, scopeType: PolicyScopeType, scopeID: String, at: Int64) async throws

    /// Throws `StoreError.uniqueViolation` when the name is taken in the organisation.
    func insertPolicyGroup(_ group: PolicyGroup) async throws
    /// Groups ordered by (precedence, id).
    func policyGroups(orgID: String) async throws -> [PolicyGroup]
    /// Adds (`present` true) or removes an agent from a group. Returns whether anything changed.
    func setPolicyGroupMember(orgID: String, _ member: PolicyGroupMember, present: Bool) async throws -> Bool
    /// Every membership in the organisation, ordered by (group_id, agent_id).
    func policyGroupMembers(orgID: String) async throws -> [PolicyGroupMember]
    /// Deletes the group and its memberships. Returns false, changing nothing, when the
    /// organisation has no such group.
    func deletePolicyGroup(orgID: String, id: String) async throws -> Bool

    /// The signed-bundle version for `revision` (RFC-005 §6: monotonic): the latest recorded version
    /// when its revision is `revision`, else a new version one higher, recorded at `at`.
    func policyBundleVersion(orgID: String, revision: String, at: Int64) async throws -> Int
}
