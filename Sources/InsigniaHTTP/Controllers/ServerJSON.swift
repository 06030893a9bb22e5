import BadgeCore
import Registry

/// Wire forms of MCP servers (issue #12; what capiscio-mcp's `registration.py` and `connect.py`
/// read): camelCase, with the snake_case spellings of the agent resource beside them.
enum ServerJSON {
    static func resource(_ server: Agent) -> JSONValue {
        [
            "id": .string(server.id), "orgId": .string(server.orgID), "org_id": .string(server.orgID),
            "name": .string(server.name), "description": .optional(server.description), "domain": .optional(server.domain),
            "url": .optional(server.url), "did": .optional(server.did),
            // A JWK object here (capiscio's server model), unlike the agent resource's JSON string.
            "publicKey": server.publicKey?.json ?? .null,
            "status": .string(server.status.rawValue),
            "createdAt": .time(server.createdAt), "created_at": .time(server.createdAt),
            "updatedAt": .time(server.updatedAt), "updated_at": .time(server.updatedAt),
            "disabledAt": .time(server.disabledAt), "disableReason": .optional(server.disableReason),
        ]
    }

    /// The agent fields (`publicKey` as PEM, JWK or JWK string) plus `url`.
    static func input(_ body: [String: JSONValue]) throws -> AgentInput {
        var input = try AgentJSON.input(body)
        input.url = try body.patchString("url")
        return input
    }
}
