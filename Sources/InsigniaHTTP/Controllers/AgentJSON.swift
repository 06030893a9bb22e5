import BadgeCore
import Registry

/// Wire forms of agents (CONTRACT.md §4.3.1).
enum AgentJSON {
    /// The agent resource: snake_case for server-managed fields, plus the camelCase aliases docs use.
    static func resource(_ agent: Agent) -> JSONValue {
        [
            "id": .string(agent.id), "name": .string(agent.name), "description": .optional(agent.description),
            "domain": .optional(agent.domain), "did": .optional(agent.did),
            // A JSON *string*: the Python SDK models this field as a Go string pointer.
            "publicKey": .optional(agent.publicKeyJWK),
            "status": .string(agent.status.rawValue), "protocol": .optional(agent.protocol),
            "trust_level": .string(agent.trustLevel), "trustLevel": .string(agent.trustLevel),
            "agentCard": agent.agentCard ?? .null,
            "org_id": .string(agent.orgID), "orgId": .string(agent.orgID), "user_id": .optional(agent.userID),
            "created_at": .time(agent.createdAt), "createdAt": .time(agent.createdAt),
            "updated_at": .time(agent.updatedAt), "updatedAt": .time(agent.updatedAt),
            "disabled_at": .time(agent.disabledAt), "disable_reason": .optional(agent.disableReason),
        ]
    }

    /// Reads create/update fields and their aliases. Read-only fields clients echo back
    /// (`id`, `org_id`, `trust_level`, times…) are ignored.
    static func input(_ body: [String: JSONValue]) throws -> AgentInput {
        var input = AgentInput()
        input.name = try body.patchString("name")
        input.description = try body.patchString("description")
        input.domain = try body.patchString("domain")
        input.did = try body.patchString("did")
        input.status = try body.patchString("status")
        input.protocol = try body.patchString("protocol")
        input.publicKey = try member(body, "publicKey", "public_key") { value in
            switch value {
            case .string, .object: return value
            default: throw RegistryError(.invalidPublicKey, "publicKey must be a JWK object or its JSON string")
            }
        }
        input.agentCard = try member(body, "agentCard", "agent_card") { value in
            guard case .object = value else { throw RegistryError.invalidRequest("agentCard must be a JSON object") }
            return value
        }
        return input
    }

    /// absent → nil, null → .some(nil), value → .some(check(value)).
    private static func member(_ body: [String: JSONValue], _ keys: String..., check: (JSONValue) throws -> JSONValue) throws -> JSONValue?? {
        for key in keys {
            guard let value = body[key] else { continue }
            if value == .null { return .some(nil) }
            return .some(try check(value))
        }
        return nil
    }
}
