import BadgeCore
import Hummingbird
import Registry

/// `GET /v1/events`: the caller's organisation's audit log (issue #7).
struct EventsController {
    let auditLog: AuditLogService
    let agents: AgentService

    func register(on group: RouterGroup<AppRequestContext>) {
        group.get("/v1/events") { request, context in try await list(request, context) }
    }

    private func list(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal(scope: Scope.auditRead)
        let query = request.uri.queryParameters
        var filter = EventQuery(orgID: principal.orgID, type: query["type"].map(String.init))
        if let since = query["since"].map(String.init) {
            guard let parsed = Timestamp.parse(since) else { throw RegistryError.invalidRequest("since must be an RFC 3339 time") }
            filter.since = parsed
        }
        if let reference = query["agent"].map(String.init) {
            // Another organisation's agent filters to nothing rather than revealing it exists.
            let agent = try await agents.resolve(reference)
            filter.agentID = agent?.orgID == principal.orgID ? agent?.id : "-"
        }
        if let cursor = query["cursor"].map(String.init) {
            guard let parsed = PageCursor(encoded: cursor) else { throw RegistryError.invalidRequest("cursor is not valid") }
            filter.after = parsed
        }
        var limit = 100
        if let text = query["limit"] {
            guard let value = Int(text), (1...1000).contains(value) else { throw RegistryError.invalidRequest("limit must be from 1 to 1000") }
            limit = value
        }
        filter.limit = limit + 1
        let rows = try await auditLog.events(filter)
        let page = Array(rows.prefix(limit))
        var extra: [String: JSONValue] = [:]
        if rows.count > limit, let last = page.last {
            extra["next_cursor"] = .string(PageCursor(createdAt: last.createdAt, id: last.id).encoded)
        }
        return APIResponse.wrapped(.array(page.map(Self.json)), extra: extra)
    }

    static func json(_ event: AuditEvent) -> JSONValue {
        [
            "id": .string(event.id), "type": .string(event.type), "actor": .string(event.actor),
            "subject": .optional(event.subject), "agent_id": .optional(event.agentID),
            "details": event.details.flatMap { try? JSONValue.parse(Array($0.utf8)) } ?? .null,
            "created_at": .time(event.createdAt),
        ]
    }
}
