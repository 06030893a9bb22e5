import BadgeCore

extension AgentService {
    /// The W3C DID document of an agent's or MCP server's registry `did:web` (CONTRACT.md §4.2.2):
    /// one verification method `#key-1` (the Go PoP client signs with that kid) from its key, listed
    /// in `authentication` and `assertionMethod`; no methods when it has no key.
    public func didDocument(for agent: Agent, did: String? = nil) throws -> DIDDocument {
        let id = did ?? issuer.registryDID(of: agent)
        let methods = agent.publicKey.map { [VerificationMethod(id: "\(id)#key-1", controller: id, publicKey: $0)] } ?? []
        var services: [JSONValue] = []
        let endpoint = agent.kind == .agent ? agent.agentCard?["url"]?.stringValue : agent.url
        if let url = endpoint, url.hasPrefix("https://") || url.hasPrefix("http://") {
            let (fragment, type) = agent.kind == .agent ? ("agent", "AgentService") : ("mcp", "MCPServer")
            services.append(["id": .string("\(id)#\(fragment)"), "type": .string(type), "serviceEndpoint": .string(url)])
        }
        return DIDDocument(
            id: id, verificationMethods: methods, authentication: methods.map(\.id), assertionMethod: methods.map(\.id),
            services: services
        )
    }
}
