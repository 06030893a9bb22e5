/// Storage port for the agent registry.
public protocol AgentStore: Sendable {
    /// Throws `StoreError.uniqueViolation(constraint: "agents_did")` when the DID is taken.
    func insertAgent(_ agent: Agent) async throws
    func agent(id: String) async throws -> Agent?
    func agent(did: String) async throws -> Agent?
    /// The agent registered with `did`, else the agent with id `id`: one read for a registry
    /// `did:web` that names an agent by id (verification looks these up on every badge).
    func agent(did: String, elseID id: String) async throws -> Agent?
    /// Agents of an org ordered by (created_at, id), starting after `cursor`, at most `limit`.
    func agents(orgID: String, after cursor: PageCursor?, limit: Int?) async throws -> [Agent]
    /// Replaces the stored row with the same id and org. Returns false if there is none.
    /// Throws `uniqueViolation(constraint: "agents_did")` when the DID is taken.
    func updateAgent(_ agent: Agent) async throws -> Bool
    func deleteAgent(id: String, orgID: String) async throws -> Bool
}
