import BadgeCore
import Hummingbird
import Registry

/// Agent registry routes on `/v1/agents` and `/v1/sdk/agents` (CONTRACT.md §4.3).
struct AgentController {
    static let prefixes = ["/v1/agents", "/v1/sdk/agents"]

    let agents: AgentService
    let bodyLimit: Int

    func register(on group: RouterGroup<AppRequestContext>) {
        for prefix in Self.prefixes {
            group.get(RouterPath(prefix)) { request, context in try await list(request, context) }
            group.post(RouterPath(prefix)) { request, context in try await create(request, context) }
            group.get(RouterPath(prefix + "/{id}")) { _, context in try await get(context) }
            group.put(RouterPath(prefix + "/{id}")) { request, context in try await update(request, context) }
            group.delete(RouterPath(prefix + "/{id}")) { _, context in try await delete(context) }
            group.post(RouterPath(prefix + "/{id}/disable")) { request, context in try await disable(request, context) }
            group.post(RouterPath(prefix + "/{id}/enable")) { _, context in try await enable(context) }
            group.patch(RouterPath(prefix + "/{id}/identity")) { request, context in try await identity(request, context) }
        }
    }

    private func list(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal(scope: Scope.agentsRead)
        let query = request.uri.queryParameters
        if let did = query["did"].map(String.init) {
            return APIResponse.wrapped(.array(try await agents.list(principal, did: did).map(AgentJSON.resource)))
        }
        var limit: Int?
        if let text = query["limit"] {
            guard let value = Int(text) else { throw RegistryError.invalidRequest("limit must be an integer") }
            limit = value
        }
        let page = try await agents.list(principal, cursor: query["cursor"].map(String.init), limit: limit)
        var extra: [String: JSONValue] = [:]
        if let next = page.nextCursor { extra["next_cursor"] = .string(next) }
        return APIResponse.wrapped(.array(page.agents.map(AgentJSON.resource)), extra: extra)
    }

    private func create(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal(scope: Scope.agentsWrite)
        let input = try AgentJSON.input(try await JSONBody.object(request, limit: bodyLimit))
        let agent = try await agents.create(principal, input)
        context.logger.info("agent created", metadata: ["agent_id": .string(agent.id)])
        return APIResponse.wrapped(AgentJSON.resource(agent), message: "Agent created", status: .created)
    }

    private func get(_ context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal(scope: Scope.agentsRead)
        return APIResponse.wrapped(AgentJSON.resource(try await agents.get(principal, try context.pathParameter("id"))))
    }

    private func update(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal(scope: Scope.agentsWrite)
        let input = try AgentJSON.input(try await JSONBody.object(request, limit: bodyLimit))
        let agent = try await agents.update(principal, try context.pathParameter("id"), input)
        return APIResponse.wrapped(AgentJSON.resource(agent))
    }

    private func delete(_ context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal(scope: Scope.agentsWrite)
        try await agents.delete(principal, try context.pathParameter("id"))
        return APIResponse.json(["success": true, "message": "Agent deleted"])
    }

    private func disable(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal(scope: Scope.agentsWrite)
        let body = try await JSONBody.object(request, limit: bodyLimit)
        let agent = try await agents.disable(principal, try context.pathParameter("id"), reason: try body.string("reason"))
        context.logger.info("agent disabled", metadata: ["agent_id": .string(agent.id)])
        return APIResponse.wrapped(AgentJSON.resource(agent))
    }

    private func enable(_ context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal(scope: Scope.agentsWrite)
        let agent = try await agents.enable(principal, try context.pathParameter("id"))
        context.logger.info("agent enabled", metadata: ["agent_id": .string(agent.id)])
        return APIResponse.wrapped(AgentJSON.resource(agent))
    }

    private func identity(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal(scope: Scope.agentsWrite)
        let body = try await JSONBody.object(request, limit: bodyLimit)
        let input = try AgentJSON.input(body)
        let agent = try await agents.registerIdentity(
            principal, try context.pathParameter("id"), did: (input.did ?? nil), publicKey: input.publicKey ?? nil
        )
        return APIResponse.wrapped(AgentJSON.resource(agent))
    }
}
