/// Searching the caller's agents (or servers: `kind`), for the admin console.
extension AgentService {
    /// One page (oldest first) of the caller's agents whose name contains `search` (any case) or
    /// whose DID or domain is exactly `search`, optionally only those in `status`.
    public func search(
        _ principal: Principal, _ search: String?, status: AgentStatus?, cursor: String?, limit: Int
    ) async throws -> (agents: [Agent], nextCursor: String?) {
        guard (1...1000).contains(limit) else { throw RegistryError.invalidRequest("limit must be from 1 to 1000") }
        if let search, search.utf8.count > 2048 { throw RegistryError.invalidRequest("search must be at most 2048 bytes") }
        let after = try cursor.map { text in
            guard let cursor = PageCursor(encoded: text) else { throw RegistryError.invalidRequest("cursor is not valid") }
            return cursor
        }
        let rows = try await store.agents(AgentQuery(
            orgID: principal.orgID, kind: kind, search: search.flatMap { $0.isEmpty ? nil : $0 }, status: status, after: after, limit: limit + 1
        ))
        guard rows.count > limit else { return (rows, nil) }
        let page = Array(rows.prefix(limit))
        return (page, page.last.map { PageCursor(createdAt: $0.createdAt, id: $0.id).encoded })
    }

    /// How many agents (or servers) the caller's organisation has.
    public func count(_ principal: Principal) async throws -> Int {
        try await store.countAgents(orgID: principal.orgID, kind: kind)
    }
}
