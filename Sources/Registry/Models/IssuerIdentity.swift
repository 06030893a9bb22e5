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
    public func agentDID(_ agentID: String) -> String {
        DIDWeb.did(host: host, port: port, path: ["agents", agentID])
    }

    /// The agent id inside one of our registry DIDs, in the encoded form or the raw-port form the
    /// Python SDK builds (`did:web:localhost:8080:agents:<id>`); nil for any other DID.
    public func agentID(fromRegistryDID did: String) -> String? {
        guard let (host, port, path) = try? DIDWeb.parse(did), host.lowercased() == self.host else { return nil }
        if port == self.port, path.count == 2, path[0] == "agents" { return path[1] }
        if port == nil, let ownPort = self.port, path.count == 3, path[0] == String(ownPort), path[1] == "agents" {
            return path[2]
        }
        return nil
    }
}
