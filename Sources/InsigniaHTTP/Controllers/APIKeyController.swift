import BadgeCore
import Hummingbird
import Registry

/// `/v1/api-keys` and its aliases `/v1/keys`, `/api-keys` (CONTRACT.md §4.10, D-24).
struct APIKeyController {
    static let prefixes = ["/v1/api-keys", "/v1/keys", "/api-keys"]

    let apiKeys: APIKeyService
    let bodyLimit: Int

    func register(on group: RouterGroup<AppRequestContext>) {
        for prefix in Self.prefixes {
            group.get(RouterPath(prefix)) { _, context in try await list(context) }
            group.post(RouterPath(prefix)) { request, context in try await create(request, context) }
            group.delete(RouterPath(prefix + "/{id}")) { _, context in try await delete(context) }
        }
    }

    private func list(_ context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal(scope: Scope.keysAdmin)
        let keys = try await apiKeys.list(orgID: principal.orgID).filter { $0.revokedAt == nil }
        return APIResponse.wrapped(.array(keys.map(Self.json)))
    }

    private func create(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal(scope: Scope.keysAdmin)
        let body = try await JSONBody.object(request, limit: bodyLimit)
        guard let name = try body.string("name") else { throw RegistryError.invalidRequest("name is required") }
        var scopes: [String] = []
        if let raw = body.first("scopes")?.value {
            guard let items = raw.arrayValue, items.allSatisfy({ $0.stringValue != nil }) else {
                throw RegistryError.invalidRequest("scopes must be an array of strings")
            }
            scopes = items.compactMap(\.stringValue)
        }
        var expiresAt: Int64?
        if let text = try body.string("expires_at", "expiresAt") {
            guard let parsed = Timestamp.parse(text) else { throw RegistryError.invalidRequest("expires_at must be an RFC 3339 time") }
            expiresAt = parsed
        }
        let created = try await apiKeys.create(by: principal, name: name, scopes: scopes, expiresAt: expiresAt)
        context.logger.info("api key created", metadata: ["created_key_id": .string(created.record.id)])
        guard case .object(var data) = Self.json(created.record) else { preconditionFailure("key JSON is an object") }
        data["key"] = .string(created.plaintext)
        return APIResponse.wrapped(.object(data), message: "API key created. Store it now; it will not be shown again.", status: .created)
    }

    private func delete(_ context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal(scope: Scope.keysAdmin)
        let id = try context.pathParameter("id")
        try await apiKeys.revoke(id: id, orgID: principal.orgID, actor: principal.actor)
        context.logger.info("api key deleted", metadata: ["deleted_key_id": .string(id)])
        return APIResponse.json(["success": true])
    }

    static func json(_ key: APIKeyRecord) -> JSONValue {
        [
            "id": .string(key.id), "name": .string(key.name), "prefix": .string(key.prefix),
            "scopes": .array(key.scopes.map(JSONValue.string)),
            "created_at": .time(key.createdAt), "createdAt": .time(key.createdAt),
            "last_used_at": .time(key.lastUsedAt), "expires_at": .time(key.expiresAt),
        ]
    }
}
