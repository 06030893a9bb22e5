import BadgeCore

/// This CA's public identity: its issuer origin and the `did:web` DIDs it gives agents.
public struct IssuerIdentity: Sendable, Equatable {
    /// `scheme://host[:port]`, no trailing slash (CONTRACT.md §1.1).
    public let origin: String
    public let host: String
    public let port: Int?

    /// `origin` must already be validated (configuration does that).
    public init(origin: String) {
        self.origin = origin
        let authority = origin.split(separator: "/").dropFirst().first.map(String.init) ?? ""
        if let colon = authority.lastIndex(of: ":"), let port = Int(authority[authority.index(after: colon)...]) {
            host = String(authority[..<colon]).lowercased()
            self.port = port
        } else {
            host = authority.lowercased()
            port = nil
        }
    }

    /// `did:web:<host>[%3A<port>]:agents:<id>` — the registry DID of an agent.
    public func agentDID(_ agentID: String) -> String { registryDID(.agent, agentID) }

    /// `did:web:<host>[%3A<port>]:<agents|servers>:<id>` — the registry DID of an agent or MCP server.
    public func registryDID(_ kind: AgentKind, _ id: String) -> String {
        DIDWeb.did(host: host, port: port, path: [kind.collection, id])
    }

    /// The registry DID of `agent`'s kind and id (whatever DID it registered).
    public func registryDID(of agent: Agent) -> String { registryDID(agent.kind, agent.id) }

    /// The agent id inside one of our agent registry DIDs; nil for any other DID (servers' too).
    public func agentID(fromRegistryDID did: String) -> String? {
        registrySubject(fromDID: did).flatMap { $0.kind == .agent ? $0.id : nil }
    }

    /// The kind and id inside one of our registry DIDs, in the encoded form or the raw-port form the
    /// Python SDK builds (`did:web:localhost:8080:agents:<id>`); nil for any other DID.
    public func registrySubject(fromDID did: String) -> (kind: AgentKind, id: String)? {
        guard let (host, port, path) = try? DIDWeb.parse(did), host.lowercased() == self.host else { return nil }
        var rest = path[...]
        if port == nil, let ownPort = self.port, path.count == 3, path[0] == String(ownPort) {
            rest = path.dropFirst()
        } else if port != self.port {
            return nil
        }
        guard rest.count == 2, let kind = AgentKind.allCases.first(where: { $0.collection == rest.first }) else { return nil }
        return (kind, rest.last!)
    }
}
