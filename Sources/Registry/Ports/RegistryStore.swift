/// Errors a store reports that use cases must tell apart from plain failures.
public enum StoreError: Error, Sendable, Equatable {
    /// A uniqueness constraint rejected the write; `constraint` names it (e.g. `agents_did`).
    case uniqueViolation(constraint: String)
}

/// The storage port. SQLite and PostgreSQL implement it; one conformance suite tests both.
///
/// Every method that takes an `orgID` scopes its effect to that organisation: a row of another
/// organisation is invisible (nil / false), never an error, so callers cannot probe existence.
public protocol RegistryStore: BadgeStore, ChallengeStore, IdentityStore, DVStore {
    /// Cheap round trip proving the database answers.
    func ping() async throws

    /// Runs `body` with a store whose writes all commit together or not at all (a change and its
    /// audit event). `body` must not call methods that open a transaction of their own.
    func inTransaction<T: Sendable>(_ body: @Sendable (any RegistryStore) async throws -> T) async throws -> T

    // MARK: Organisations
    func insertOrganization(_ org: Organization) async throws
    func organization(id: String) async throws -> Organization?
    func organization(named name: String) async throws -> Organization?

    // MARK: API keys
    func insertAPIKey(_ key: APIKeyRecord) async throws
    /// The key with this hash, whatever its state (callers check `isUsable`).
    func apiKey(hash: String) async throws -> APIKeyRecord?
    /// Keys of one org (or of all orgs when nil), oldest first, including revoked ones.
    func apiKeys(orgID: String?) async throws -> [APIKeyRecord]
    /// Marks a key revoked; false if no unrevoked key with this id exists (in this org, if given).
    func revokeAPIKey(id: String, orgID: String?, at: Int64) async throws -> Bool
    func touchAPIKey(id: String, at: Int64) async throws

    // MARK: Agents
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
