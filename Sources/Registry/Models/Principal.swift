/// Who is calling: the organisation a request acts for, and the credential that proved it.
public struct Principal: Sendable, Equatable {
    public var orgID: String
    public var apiKeyID: String?
    /// Empty means every scope.
    public var scopes: [String]
    /// The signed-in person (Insignia user id) when the credential is a session token.
    public var userID: String?
    /// The person's role in `orgID` when the credential is a session token.
    public var role: OrgRole?

    public init(orgID: String, apiKeyID: String?, scopes: [String], userID: String? = nil, role: OrgRole? = nil) {
        self.orgID = orgID
        self.apiKeyID = apiKeyID
        self.scopes = scopes
        self.userID = userID
        self.role = role
    }

    /// A signed-in member of `orgID`: admins may do everything, members everything but key
    /// management (and organisation verification requests).
    public static func session(orgID: String, userID: String, role: OrgRole) -> Principal {
        Principal(orgID: orgID, apiKeyID: nil, scopes: role == .admin ? [] : Scope.memberScopes, userID: userID, role: role)
    }

    /// Whether this caller may use `scope`.
    public func allows(_ scope: String) -> Bool {
        scopes.isEmpty || scopes.contains(scope)
    }
}

/// Names of the permissions an API key can be limited to.
public enum Scope {
    public static let agentsRead = "agents:read"
    public static let agentsWrite = "agents:write"
    public static let badgesIssue = "badges:issue"
    public static let badgesRevoke = "badges:revoke"
    public static let keysAdmin = "keys:admin"
    public static let auditRead = "audit:read"
    /// MCP servers (issue #12): list and read; create, change, issue and revoke their badges.
    public static let serversRead = "servers:read"
    public static let serversWrite = "servers:write"

    public static let all: Set<String> = [agentsRead, agentsWrite, badgesIssue, badgesRevoke, keysAdmin, auditRead, serversRead, serversWrite]
    /// What an organisation member (not admin) signed in with a session may do.
    public static let memberScopes = [agentsRead, agentsWrite, badgesIssue, badgesRevoke, serversRead, serversWrite]

    public static func isKnown(_ scope: String) -> Bool { all.contains(scope) }
}
