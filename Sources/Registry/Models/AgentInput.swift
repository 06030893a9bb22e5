import BadgeCore

/// Fields a client sends to create or update an agent, already read from the wire's aliases.
///
/// Outer optional: absent (leave unchanged). Inner optional: explicit `null` (clear).
public struct AgentInput: Sendable {
    public var name: String??
    public var description: String??
    public var domain: String??
    public var did: String??
    /// A JWK object (the wire also allows a JSON string; the HTTP layer parses it).
    public var publicKey: JSONValue??
    public var status: String??
    public var `protocol`: String??
    public var agentCard: JSONValue??
    /// MCP servers only: where the server is reached.
    public var url: String??

    public init() {}
}
