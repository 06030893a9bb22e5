/// A filtered page of one organisation's agents (or MCP servers), oldest first (the console's lists).
public struct AgentQuery: Sendable, Equatable {
    public var orgID: String
    public var kind: AgentKind
    /// Case-insensitive part of the name, or exactly the DID or the domain.
    public var search: String?
    public var status: AgentStatus?
    public var after: PageCursor?
    public var limit: Int?

    public init(orgID: String, kind: AgentKind = .agent, search: String? = nil, status: AgentStatus? = nil, after: PageCursor? = nil, limit: Int? = nil) {
        self.orgID = orgID
        self.kind = kind
        self.search = search
        self.status = status
        self.after = after
        self.limit = limit
    }

    /// Whether `agent` matches every filter except the cursor and the limit (the in-memory store's
    /// filter; the SQL adapter says the same in its WHERE clause).
    public func matches(_ agent: Agent) -> Bool {
        guard agent.orgID == orgID, agent.kind == kind else { return false }
        if let status, agent.status != status { return false }
        if let search {
            let needle = search.lowercased()
            return agent.name.lowercased().contains(needle) || agent.did == search || agent.domain == search
        }
        return true
    }
}
