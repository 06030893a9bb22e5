import BadgeCore
import Foundation

/// Limits of event ingestion (`EVENT_RETENTION_DAYS`, `EVENT_RATE_LIMIT_PER_MINUTE`).
public struct EventPolicy: Sendable, Equatable {
    /// Ingested events are purged this many days after they were received.
    public var retentionDays: Int = 30
    /// Events per API key (or signed-in user) per minute; 0 disables the limit.
    public var ratePerMinute: Int = 6000
    /// Most events in one request.
    public var maxBatch: Int = 1000

    public init(retentionDays: Int = 30, ratePerMinute: Int = 6000, maxBatch: Int = 1000) {
        self.retentionDays = retentionDays
        self.ratePerMinute = ratePerMinute
        self.maxBatch = maxBatch
    }
}

/// Where a timeline item comes from: the registry's audit log or an agent's report.
public enum EventSource: String, Sendable, CaseIterable {
    case registry
    case agent
}

/// One item of `GET /v1/events`.
public enum TimelineItem: Sendable, Equatable {
    case registry(AuditEvent)
    case agent(AgentEvent)

    public var cursor: PageCursor {
        switch self {
        case .registry(let event): PageCursor(createdAt: event.createdAt, id: event.id)
        case .agent(let event): PageCursor(createdAt: event.createdAt, id: event.id)
        }
    }
}

/// The filters of `GET /v1/events`.
public struct TimelineFilter: Sendable, Equatable {
    public var source: EventSource?
    public var type: String?
    /// An agent id or DID; another organisation's agent matches nothing.
    public var agent: String?
    /// An ingested event's `mcpServerId`; audit entries have none, so they drop out.
    public var serverID: String?
    public var since: Int64?
    public var until: Int64?
    public var after: PageCursor?
    public var limit: Int

    public init(
        source: EventSource? = nil, type: String? = nil, agent: String? = nil, serverID: String? = nil, since: Int64? = nil,
        until: Int64? = nil, after: PageCursor? = nil, limit: Int = 100
    ) {
        self.source = source
        self.type = type
        self.agent = agent
        self.serverID = serverID
        self.since = since
        self.until = until
        self.after = after
        self.limit = limit
    }
}

/// What `POST /v1/events` answers: 202 with the count kept and why each other event was not.
public struct IngestionResult: Sendable, Equatable {
    public struct Rejection: Sendable, Equatable {
        public var index: Int
        public var error: ErrorCode

        public init(index: Int, error: ErrorCode) {
            self.index = index
            self.error = error
        }
    }

    public var accepted: Int
    public var rejected: [Rejection]
    public var rateLimit: RateLimitStatus?

    public init(accepted: Int, rejected: [Rejection], rateLimit: RateLimitStatus?) {
        self.accepted = accepted
        self.rejected = rejected
        self.rateLimit = rateLimit
    }
}

/// Event ingestion from agents and SDKs, the merged event timeline and its retention (issue #12 B).
public struct EventService: Sendable {
    public typealias Store = AgentEventStore & AuditStore

    /// The agent id clients send when they have none.
    static let nilUUID = "00000000-0000-0000-0000-000000000000"
    static let maxTextLength = 256

    let store: any Store
    let agents: AgentService
    let limiter: RateLimiter
    let clock: any RegistryClock
    public let policy: EventPolicy

    public init(store: any Store, agents: AgentService, limiter: RateLimiter, clock: any RegistryClock, policy: EventPolicy = EventPolicy()) {
        self.store = store
        self.agents = agents
        self.limiter = limiter
        self.clock = clock
        self.policy = policy
    }

    // MARK: Ingestion

    /// Stores the events in `body` — one flat event object, `{"events": [...]}` or a bare array —
    /// for the caller's organisation. Bad events are reported by index and the rest kept; only a
    /// body that is no event container (400) or holds more than `maxBatch` events (413) fails
    /// whole, and a rate limit with no room left (429).
    public func ingest(_ principal: Principal, body: JSONValue) async throws -> IngestionResult {
        let items: [JSONValue]
        switch body {
        case .array(let array): items = array
        case .object(let object):
            if let events = object["events"] {
                if case .array(let array) = events { items = array } else { items = [events] }
            } else {
                items = [body]
            }
        default:
            throw RegistryError(.invalidJSON, "the body must be an event object, {\"events\": [...]} or an array of events")
        }
        guard items.count <= policy.maxBatch else {
            throw RegistryError(.payloadTooLarge, "at most \(policy.maxBatch) events per request (got \(items.count))")
        }
        var result = IngestionResult(accepted: 0, rejected: [], rateLimit: nil)
        guard !items.isEmpty else { return result }
        let bucket = principal.apiKeyID.map { "events:key:\($0)" } ?? "events:user:\(principal.userID ?? principal.orgID)"
        let (allowed, status) = try await limiter.take(items.count, from: bucket, .perMinute(policy.ratePerMinute))
        result.rateLimit = status

        let now = clock.now()
        var resolved: [String: OwnIdentity?] = [:]  // agent reference → the caller's agent or server, or nil (not the caller's)
        var seen: Set<String> = []
        var rows: [AgentEvent] = []
        for (index, item) in items.enumerated() {
            guard index < allowed else {
                result.rejected.append(.init(index: index, error: .rateLimitExceeded))
                continue
            }
            do {
                let event = try await parse(item, principal: principal, now: now, resolved: &resolved)
                if seen.insert(event.id).inserted { rows.append(event) }
                result.accepted += 1
            } catch let error as RegistryError {
                result.rejected.append(.init(index: index, error: error.code))
            }
        }
        if !rows.isEmpty { try await store.insertAgentEvents(rows) }
        return result
    }

    /// One event, or a `RegistryError` whose code is the rejection.
    private func parse(_ item: JSONValue, principal: Principal, now: Int64, resolved: inout [String: OwnIdentity?]) async throws -> AgentEvent {
        guard case .object(let object) = item else { throw RegistryError(.invalidEvent, "an event must be a JSON object") }
        func text(_ keys: String...) throws -> String? {
            for key in keys {
                switch object[key] {
                case nil, .null?: continue
                case .string(let value)?:
                    if value.isEmpty { continue }
                    guard value.utf8.count <= Self.maxTextLength else { throw RegistryError(.invalidEvent, "'\(key)' is too long") }
                    return value
                default: throw RegistryError(.invalidEvent, "'\(key)' must be a string")
                }
            }
            return nil
        }
        guard let type = try text("eventType", "type", "event_type", "event.name") else {
            throw RegistryError(.invalidEvent, "an event needs a type (eventType, type, event_type or event.name)")
        }
        let id: String
        switch object["id"] {
        case nil, .null?: id = UUID().uuidString.lowercased()
        case .int(let number)?: id = String(number)
        default: id = try text("id") ?? UUID().uuidString.lowercased()
        }
        var owner: OwnIdentity?
        if let reference = try text("agentId", "agent_id"), reference != Self.nilUUID {
            guard let owned = try await ownAgent(reference, principal: principal, resolved: &resolved) else {
                throw RegistryError(.unknownAgent, "agentId is not an agent or MCP server of your organisation")
            }
            owner = owned
        } else if let did = try? text("capiscio.agent.did") {
            // capiscio-core's evidence names the agent by DID: credit it when the DID is ours.
            owner = try await ownAgent(did, principal: principal, resolved: &resolved)
        }
        // An agentId naming an MCP server makes it the event's server too (the `server_id` filter).
        let serverID = try text("mcpServerId", "mcp_server_id", "serverId") ?? owner.flatMap { $0.kind == .mcpServer ? $0.id : nil }
        let severity: String? = if case .string(let value)? = object["severity"], !value.isEmpty { String(value.lowercased().prefix(Self.maxTextLength)) } else { nil }
        return AgentEvent(
            id: id, orgID: principal.orgID, type: type, agentID: owner?.id, serverID: serverID,
            severity: severity, actor: principal.actor, body: String(decoding: item.serialized(), as: UTF8.self), createdAt: now
        )
    }

    /// An agent or MCP server of the caller, as an event names it.
    typealias OwnIdentity = (id: String, kind: AgentKind)

    /// The caller's agent or server named by `reference` (id or DID), nil when it is not one.
    private func ownAgent(_ reference: String, principal: Principal, resolved: inout [String: OwnIdentity?]) async throws -> OwnIdentity? {
        if let known = resolved[reference] { return known }
        let agent = try await agents.resolve(reference)
        let owned = agent.flatMap { $0.orgID == principal.orgID ? OwnIdentity(id: $0.id, kind: $0.kind) : nil }
        resolved[reference] = owned
        return owned
    }

    // MARK: Timeline

    /// The caller's audit entries and ingested events matching `filter`, merged in (created_at, id)
    /// order, and the cursor of the next page when there is one.
    public func timeline(_ principal: Principal, _ filter: TimelineFilter) async throws -> (items: [TimelineItem], next: PageCursor?) {
        guard (1...1000).contains(filter.limit) else { throw RegistryError.invalidRequest("limit must be from 1 to 1000") }
        var agentID: String?
        if let reference = filter.agent {
            // Another organisation's agent filters to nothing rather than revealing it exists.
            let agent = try await agents.resolve(reference)
            agentID = agent?.orgID == principal.orgID ? agent?.id : "-"
        }
        var items: [TimelineItem] = []
        if filter.source != .agent, filter.serverID == nil {
            let query = EventQuery(
                orgID: principal.orgID, type: filter.type, since: filter.since, until: filter.until, agentID: agentID, after: filter.after,
                limit: filter.limit + 1
            )
            items += try await store.events(query).map(TimelineItem.registry)
        }
        if filter.source != .registry {
            let query = AgentEventQuery(
                orgID: principal.orgID, type: filter.type, agentID: agentID, serverID: filter.serverID, since: filter.since,
                until: filter.until, after: filter.after, limit: filter.limit + 1
            )
            items += try await store.agentEvents(query).map(TimelineItem.agent)
        }
        items.sort { ($0.cursor.createdAt, $0.cursor.id) < ($1.cursor.createdAt, $1.cursor.id) }
        guard items.count > filter.limit else { return (items, nil) }
        let page = Array(items.prefix(filter.limit))
        return (page, page.last?.cursor)
    }

    // MARK: Retention

    /// Deletes the ingested events older than the retention; returns how many.
    @discardableResult
    public func purgeExpired() async throws -> Int {
        try await store.purgeAgentEvents(receivedBefore: clock.now() - Int64(policy.retentionDays) * 86_400)
    }
}
