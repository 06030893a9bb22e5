import BadgeCore

/// An event an agent, MCP server or SDK reported through `POST /v1/events` (issue #12 B): kept in
/// its own table, apart from the audit log, for `EVENT_RETENTION_DAYS`.
public struct AgentEvent: Sendable, Equatable {
    /// The client's event id: unique per organisation (a resent event is stored once).
    public var id: String
    public var orgID: String
    /// The first of `eventType`, `type`, `event_type`, `event.name`.
    public var type: String
    /// The registry agent it names (resolved to its id); nil when absent or the all-zero UUID.
    public var agentID: String?
    /// The event's `mcpServerId`, as sent.
    public var serverID: String?
    /// Lower-cased `severity`, as sent otherwise.
    public var severity: String?
    /// Who reported it: `apikey:<id>` or `user:<id>`.
    public var actor: String
    /// The event object exactly as sent (compact JSON): payload, data and every other key.
    public var body: String
    /// When the registry received it (Unix seconds): what listing, filters and retention go by.
    public var createdAt: Int64

    public init(
        id: String, orgID: String, type: String, agentID: String?, serverID: String?, severity: String?, actor: String, body: String,
        createdAt: Int64
    ) {
        self.id = id
        self.orgID = orgID
        self.type = type
        self.agentID = agentID
        self.serverID = serverID
        self.severity = severity
        self.actor = actor
        self.body = body
        self.createdAt = createdAt
    }
}

/// A filtered, paged read of one organisation's ingested events, ordered by (created_at, id).
public struct AgentEventQuery: Sendable, Equatable {
    public var orgID: String
    public var type: String?
    public var agentID: String?
    public var serverID: String?
    /// Inclusive bounds on `createdAt`.
    public var since: Int64?
    public var until: Int64?
    /// Continue after this (created_at, id).
    public var after: PageCursor?
    public var limit: Int?

    public init(
        orgID: String, type: String? = nil, agentID: String? = nil, serverID: String? = nil, since: Int64? = nil, until: Int64? = nil,
        after: PageCursor? = nil, limit: Int? = nil
    ) {
        self.orgID = orgID
        self.type = type
        self.agentID = agentID
        self.serverID = serverID
        self.since = since
        self.until = until
        self.after = after
        self.limit = limit
    }
}
