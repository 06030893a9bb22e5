import BadgeCore
import Hummingbird
import Registry

/// Registry routes: agents on `/v1/agents` and `/v1/sdk/agents` (CONTRACT.md §4.3), or MCP servers
/// on `/v1/servers` and `/v1/sdk/servers` (issue #12), as `routes` says; `agents` is the use case
/// for that kind.
struct AgentController {
    let agents: AgentService
    let routes: RegistryRoutes
    let bodyLimit: Int

    init(agents: AgentService, routes: RegistryRoutes, bodyLimit: Int) {
        precondition(agents.kind == routes.kind, "the use case and the routes must be for the same kind")
        self.agents = agents
        self.routes = routes
        self.bodyLimit = bodyLimit
    }

    func register(on group: RouterGroup<AppRequestContext>) {
        for prefix in routes.prefixes {
            group.get(RouterPath(prefix)) { request, context in try await list(request, context) }
            group.post(RouterPath(prefix)) { request, context in try await create(request, context) }
            group.get(RouterPath(prefix + "/{id}")) { _, context in try await get(context) }
            group.put(RouterPath(prefix + "/{id}")) { request, context in try await update(request, context) }
            group.delete(RouterPath(prefix + "/{id}")) { _, context in try await delete(context) }
            group.post(RouterPath(prefix + "/{id}/disable")) { request, context in try await disable(request, context) }
            group.post(RouterPath(prefix + "/{id}/enable")) { _, context in try await enable(context) }
            if routes.kind == .agent {
                group.patch(RouterPath(prefix + "/{id}/identity")) { request, context in try await identity(request, context) }
            }
        }
    }

    private func list(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal(scope: routes.readScope)
        let query = request.uri.queryParameters
        if let did = query["did"].map(String.init) {
            return APIResponse.wrapped(.array(try await agents.list(principal, did: did).map(routes.resource)))
        }
        var limit: Int?
        if let text = query["limit"] {
            guard let value = Int(text) else { throw RegistryError.invalidRequest("limit must be an integer") }
            limit = value
        }
        let page = try await agents.list(principal, cursor: query["cursor"].map(String.init), limit: limit)
        var extra: [String: JSONValue] = [:]
        if let next = page.nextCursor { extra["next_cursor"] = .string(next) }
        return APIResponse.wrapped(.array(page.agents.map(routes.resource)), extra: extra)
    }

    private func create(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal(scope: routes.writeScope)
        let input = try routes.input(try await JSONBody.object(request, limit: bodyLimit))
        let agent = try await agents.create(principal, input)
        context.logger.info("\(routes.kind.eventPrefix) created", metadata: ["agent_id": .string(agent.id)])
        return APIResponse.wrapped(routes.resource(agent), message: "\(routes.title) created", status: .created)
    }

    private func get(_ context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal(scope: routes.readScope)
        return APIResponse.wrapped(routes.resource(try await agents.get(principal, try context.pathParameter("id"))))
    }

    private func update(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal(scope: routes.writeScope)
        let input = try routes.input(try await JSONBody.object(request, limit: bodyLimit))
        let agent = try await agents.update(principal, try context.pathParameter("id"), input)
        return APIResponse.wrapped(routes.resource(agent))
    }

    private func delete(_ context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal(scope: routes.writeScope)
        try await agents.delete(principal, try context.pathParameter("id"))
        return APIResponse.json(["success": true, "message": .string("\(routes.title) deleted")])
    }

    private func disable(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal(scope: routes.writeScope)
        let body = try await JSONBody.object(request, limit: bodyLimit)
        let agent = try await agents.disable(principal, try context.pathParameter("id"), reason: try body.string("reason"))
        context.logger.info("\(routes.kind.eventPrefix) disabled", metadata: ["agent_id": .string(agent.id)])
        return APIResponse.wrapped(routes.resource(agent))
    }

    private func enable(_ context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal(scope: routes.writeScope)
        let agent = try await agents.enable(principal, try context.pathParameter("id"))
        context.logger.info("\(routes.kind.eventPrefix) enabled", metadata: ["agent_id": .string(agent.id)])
        return APIResponse.wrapped(routes.resource(agent))
    }

    private func identity(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal(scope: routes.writeScope)
        let body = try await JSONBody.object(request, limit: bodyLimit)
        let input = try routes.input(body)
        let agent = try await agents.registerIdentity(
            principal, try context.pathParameter("id"), did: (input.did ?? nil), publicKey: input.publicKey ?? nil
        )
        return APIResponse.wrapped(routes.resource(agent))
    }
}
