/// Storage port for the agent registry.
public protocol AgentStore: Sendable {
    /// Throws `StoreError.uniqueViolation(constraint: "agents_did")` when the DID is taken.
    func insertAgent(_ agent: Agent) async throws
    func agent(id: String) async throws -> Agent?
    func agent(did: String) async throws -> Agent?
    /// The agent registered with `did`, else the agent with id `id`: one read for a registry
    /// `did:web` that names an agent by id (verification looks these up on every badge).
    func agent(did: String, elseID id: String) async throws -> Agent?
    /// `agent(id:)`, `agent(did:)` or `agent(did:elseID:)` (whichever `lookup` names), from a read as
    /// fresh as `freshness` asks.
    func agent(_ lookup: AgentLookup, freshness: ReadFreshness) async throws -> Agent?
    /// Agents (or servers: `kind`) of an org ordered by (created_at, id), starting after `cursor`,
    /// at most `limit`.
    func agents(orgID: String, kind: AgentKind, after cursor: PageCursor?, limit: Int?) async throws -> [Agent]
    /// Agents matching `query` (of its kind), ordered by (created_at, id), after its cursor, at most its limit.
    func agents(_ query: AgentQuery) async throws -> [Agent]
    /// How many agents (or servers: `kind`) `orgID` has.
    func countAgents(orgID: String, kind: AgentKind) async throws -> Int
    /// Replaces the stored row with the same id, org and kind (which never change) if it is still at
    /// `agent.revision`, raising the stored revision by one. Returns false if there is no such row
    /// at that revision (none, or it changed since `agent` was read).
    /// Throws `uniqueViolation(constraint: "agents_did")` when the DID is taken.
    func updateAgent(_ agent: Agent) async throws -> Bool
    func deleteAgent(id: String, orgID: String) async throws -> Bool
}

/// One of the ways to find an agent, as a value (the key of a store's recent reads).
public enum AgentLookup: Sendable, Hashable {
    case id(String)
    case did(String)
    /// The agent registered with the DID, else the agent with the id.
    case didElseID(did: String, id: String)
}

extension AgentStore {
    /// The current read `lookup` names.
    public func agent(_ lookup: AgentLookup) async throws -> Agent? {
        switch lookup {
        case .id(let id): try await agent(id: id)
        case .did(let did): try await agent(did: did)
        case .didElseID(let did, let id): try await agent(did: did, elseID: id)
        }
    }

    /// A store without a read cache reads every time.
    public func agent(_ lookup: AgentLookup, freshness: ReadFreshness) async throws -> Agent? {
        try await agent(lookup)
    }
}
