import Foundation
import MemoryStore
import Registry

/// The agent port of a server that remembers its recent reads, as the SQL store does: a `.recent`
/// read is answered from what this server read before (a `maxAge: 0` read replaces it), and a
/// transaction committed through it forgets everything. A row changed straight on the underlying
/// store — another replica's write — therefore stays unseen by recent reads, which is how the
/// issuance-basis check gets exercised without a database.
final class LaggingAgentStore: AgentStore, UnitOfWork, @unchecked Sendable {
    // @unchecked: `remembered` is only touched under `lock`.
    private let base: InMemoryStore
    private let lock = NSLock()
    private var remembered: [AgentLookup: Agent] = [:]
    private var rival: (@Sendable () async throws -> Void)?

    init(_ base: InMemoryStore) { self.base = base }

    /// When set, runs before every transaction this store opens: another replica's write landing
    /// between a use case's read and its save.
    func setRival(_ write: (@Sendable () async throws -> Void)?) {
        lock.withLock { rival = write }
    }

    func agent(_ lookup: AgentLookup, freshness: ReadFreshness) async throws -> Agent? {
        if case .recent(let maxAge, _) = freshness, maxAge > 0, let agent = lock.withLock({ remembered[lookup] }) { return agent }
        let agent = try await base.agent(lookup)
        lock.withLock { remembered[lookup] = agent }
        return agent
    }

    func inTransaction<T: Sendable>(_ body: @Sendable (any StoreTransaction) async throws -> T) async throws -> T {
        if let rival = lock.withLock({ rival }) { try await rival() }
        let value = try await base.inTransaction(body)
        lock.withLock { remembered.removeAll() }
        return value
    }

    func insertAgent(_ agent: Agent) async throws { try await base.insertAgent(agent) }
    func agent(id: String) async throws -> Agent? { try await base.agent(id: id) }
    func agent(did: String) async throws -> Agent? { try await base.agent(did: did) }
    func agent(did: String, elseID id: String) async throws -> Agent? { try await base.agent(did: did, elseID: id) }
    func agents(orgID: String, kind: AgentKind, after cursor: PageCursor?, limit: Int?) async throws -> [Agent] {
        try await base.agents(orgID: orgID, kind: kind, after: cursor, limit: limit)
    }
    func agents(_ query: AgentQuery) async throws -> [Agent] { try await base.agents(query) }
    func countAgents(orgID: String, kind: AgentKind) async throws -> Int { try await base.countAgents(orgID: orgID, kind: kind) }
    func updateAgent(_ agent: Agent) async throws -> Bool { try await base.updateAgent(agent) }
    func deleteAgent(id: String, orgID: String) async throws -> Bool { try await base.deleteAgent(id: id, orgID: orgID) }
}
