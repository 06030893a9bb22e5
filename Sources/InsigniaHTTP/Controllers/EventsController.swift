import BadgeCore
import Hummingbird
import Registry

/// `GET /v1/events`: the caller's organisation's audit log (issue #7) merged with the events its
/// agents reported; `POST /v1/events` (alias `POST /events`): event ingestion (issue #12 B).
struct EventsController {
    let events: EventService
    let bodyLimit: Int

    func register(on group: RouterGroup<AppRequestContext>) {
        group.get("/v1/events") { request, context in try await list(request, context) }
        for path in ["/v1/events", "/events"] {
            group.post(RouterPath(path)) { request, context in try await ingest(request, context) }
        }
    }

    /// Any authenticated caller may report events for its own organisation.
    private func ingest(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let body = try await JSONBody.value(request, limit: bodyLimit)
        let result = try await events.ingest(principal, body: body)
        if !result.rejected.isEmpty {
            context.logger.info("events rejected", metadata: [
                "accepted": .stringConvertible(result.accepted), "rejected": .stringConvertible(result.rejected.count),
            ])
        }
        return APIResponse.json(
            [
                "accepted": .int(Int64(result.accepted)),
                "rejected": .array(result.rejected.map { JSONValue.object(["index": .int(Int64($0.index)), "error": .string($0.error.rawValue)]) }),
            ],
            status: .accepted
        )
    }

    private func list(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal(scope: Scope.auditRead)
        let query = request.uri.queryParameters
        var filter = TimelineFilter(type: query["type"].map(String.init), serverID: query["server_id"].map(String.init))
        if let source = query["source"].map(String.init) {
            guard let parsed = EventSource(rawValue: source) else { throw RegistryError.invalidRequest("source must be 'registry' or 'agent'") }
            filter.source = parsed
        }
        for (name, path) in [("since" as Substring, \TimelineFilter.since), ("until", \TimelineFilter.until)] {
            if let text = query[name].map(String.init) {
                guard let parsed = Timestamp.parse(text) else { throw RegistryError.invalidRequest("\(name) must be an RFC 3339 time") }
                filter[keyPath: path] = parsed
            }
        }
        filter.agent = (query["agent_id"] ?? query["agent"]).map(String.init)
        if let cursor = query["cursor"].map(String.init) {
            guard let parsed = PageCursor(encoded: cursor) else { throw RegistryError.invalidRequest("cursor is not valid") }
            filter.after = parsed
        }
        if let text = query["limit"] {
            guard let value = Int(text), (1...1000).contains(value) else { throw RegistryError.invalidRequest("limit must be from 1 to 1000") }
            filter.limit = value
        }
        let (items, next) = try await events.timeline(principal, filter)
        var extra: [String: JSONValue] = [:]
        if let next { extra["next_cursor"] = .string(next.encoded) }
        return APIResponse.wrapped(.array(items.map(Self.json)), extra: extra)
    }

    static func json(_ item: TimelineItem) -> JSONValue {
        switch item {
        case .registry(let event):
            [
                "id": .string(event.id), "source": "registry", "type": .string(event.type), "actor": .string(event.actor),
                "subject": .optional(event.subject), "agent_id": .optional(event.agentID),
                "details": event.details.flatMap { try? JSONValue.parse(Array($0.utf8)) } ?? .null,
                "created_at": .time(event.createdAt),
            ]
        case .agent(let event):
            {
                let body = (try? JSONValue.parse(Array(event.body.utf8))) ?? .null
                return [
                    "id": .string(event.id), "source": "agent", "type": .string(event.type), "actor": .string(event.actor),
                    "agent_id": .optional(event.agentID), "server_id": .optional(event.serverID), "severity": .optional(event.severity),
                    "timestamp": body["timestamp"] ?? .null, "payload": body["payload"] ?? body["data"] ?? .null,
                    "details": body, "created_at": .time(event.createdAt),
                ]
            }()
        }
    }
}
