/// Where a stored policy document is in its life (capiscio `policy-api.md` states).
public enum PolicyState: String, Sendable, CaseIterable {
    /// Awaiting an admin's approval.
    case proposal
    /// Enforced: at most one per scope.
    case active
    /// Replaced by a newer active document.
    case superseded
    /// Refused by an admin.
    case rejected
    /// Taken out of force by an admin (the scope has no policy of its own any more), or left by a
    /// deleted group.
    case archived
}

/// The level a document applies at: `org`, `group` or `agent`.
public enum PolicyScopeType: String, Sendable, CaseIterable {
    case org, group, agent
}

/// One version of a policy document. Every change is a new row (a proposal); approval activates it
/// and supersedes the previous active row of its scope, so history is never rewritten.
public struct PolicyRecord: Sendable, Equatable {
    public var id: String
    public var orgID: String
    public var scopeType: PolicyScopeType
    /// The organisation id for `org` scope, else the group or agent id.
    public var scopeID: String
    public var state: PolicyState
    /// 1, 2, … per scope, in the order proposals were made.
    public var version: Int
    public var yamlContent: String
    /// SHA-256 (hex) of `yamlContent`.
    public var contentHash: String
    /// Who proposed it: `user:<id>` or `api_key:<id>`.
    public var createdBy: String
    public var createdAt: Int64
    public var updatedAt: Int64
    /// Who approved or rejected it, and why it was rejected.
    public var decidedBy: String?
    public var rejectReason: String?

    public init(
        id: String, orgID: String, scopeType: PolicyScopeType, scopeID: String, state: PolicyState, version: Int, yamlContent: String,
        contentHash: String, createdBy: String, createdAt: Int64, updatedAt: Int64, decidedBy: String? = nil, rejectReason: String? = nil
    ) {
        self.id = id
        self.orgID = orgID
        self.scopeType = scopeType
        self.scopeID = scopeID
        self.state = state
        self.version = version
        self.yamlContent = yamlContent
        self.contentHash = contentHash
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.decidedBy = decidedBy
        self.rejectReason = rejectReason
    }
}

/// A named collection of agents sharing a group-scope policy; lower `precedence` is higher priority.
public struct PolicyGroup: Sendable, Equatable {
    public var id: String
    public var orgID: String
    public var name: String
    public var precedence: Int
    public var createdAt: Int64

    public init(id: String, orgID: String, name: String, precedence: Int, createdAt: Int64) {
        self.id = id
        self.orgID = orgID
        self.name = name
        self.precedence = precedence
        self.createdAt = createdAt
    }
}

/// One agent's membership of one group.
public struct PolicyGroupMember: Sendable, Hashable {
    public var groupID: String
    public var agentID: String

    public init(groupID: String, agentID: String) {
        self.groupID = groupID
        self.agentID = agentID
    }
}
