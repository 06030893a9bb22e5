/// Who is calling: the organisation a request acts for, and the credential that proved it.
public struct Principal: Sendable, Equatable {
    public var orgID: String
    public var apiKeyID: String?
    /// Empty means every scope.
    public var scopes: [String]

    public init(orgID: String, apiKeyID: String?, scopes: [String]) {
        self.orgID = orgID
        self.apiKeyID = apiKeyID
        self.scopes = scopes
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

    public static let all: Set<String> = [agentsRead, agentsWrite, badgesIssue, badgesRevoke, keysAdmin, auditRead]

    public static func isKnown(_ scope: String) -> Bool { all.contains(scope) }
}
