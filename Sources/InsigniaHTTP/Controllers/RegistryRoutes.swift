import BadgeCore
import Registry

/// What differs between the agent registry routes and the MCP server registry routes (issue #12,
/// RFC-007): paths, scopes and wire forms. The use cases and handlers are the same.
struct RegistryRoutes: Sendable {
    let kind: AgentKind
    /// Dashboard prefix first, then the SDK's.
    let prefixes: [String]
    let readScope: String
    let writeScope: String
    let resource: @Sendable (Agent) -> JSONValue
    let input: @Sendable ([String: JSONValue]) throws -> AgentInput
    /// How answers name one ("Agent", "MCP server").
    let title: String

    static let agents = RegistryRoutes(
        kind: .agent, prefixes: ["/v1/agents", "/v1/sdk/agents"], readScope: Scope.agentsRead, writeScope: Scope.agentsWrite,
        resource: AgentJSON.resource, input: AgentJSON.input, title: "Agent"
    )

    static let servers = RegistryRoutes(
        kind: .mcpServer, prefixes: ["/v1/servers", "/v1/sdk/servers"], readScope: Scope.serversRead, writeScope: Scope.serversWrite,
        resource: ServerJSON.resource, input: ServerJSON.input, title: "MCP server"
    )
}
