import BadgeCore

extension AgentService {
    /// The W3C DID document of an agent's registry `did:web` (CONTRACT.md §4.2.2): one
    /// verification method `#key-1` (the Go PoP client signs with that kid) from the agent's key,
    /// listed in `authentication` and `assertionMethod`; no methods when the agent has no key.
    public func didDocument(for agent: Agent, did: String? = nil) throws -> DIDDocument {
        let id = did ?? issuer.agentDID(agent.id)
        let methods = agent.publicKey.map { [VerificationMethod(id: "\(id)#key-1", controller: id, publicKey: $0)] } ?? []
        var services: [JSONValue] = []
        if let url = agent.agentCard?["url"]?.stringValue, url.hasPrefix("https://") || url.hasPrefix("http://") {
            services.append(["id": .string("\(id)#agent"), "type": "AgentService", "serviceEndpoint": .string(url)])
        }
        return DIDDocument(
            id: id, verificationMethods: methods, authentication: methods.map(\.id), assertionMethod: methods.map(\.id),
            services: services
        )
    }
}
