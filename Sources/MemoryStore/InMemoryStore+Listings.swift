import Registry

/// The filtered lists and counts behind the admin console (`AgentQuery`, `BadgeQuery`).
extension MemoryQueries {
    public func agents(_ query: AgentQuery) async throws -> [Agent] {
        try await memory.read { state in
            state.agents.values
                .filter { agent in
                    guard query.matches(agent) else { return false }
                    guard let cursor = query.after else { return true }
                    return (agent.createdAt, agent.id) > (cursor.createdAt, cursor.id)
                }
                .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
                .limited(query.limit)
        }
    }

    public func countAgents(orgID: String, kind: AgentKind) async throws -> Int {
        try await memory.read { state in state.agents.values.filter { $0.orgID == orgID && $0.kind == kind }.count }
    }

    public func badges(_ query: BadgeQuery) async throws -> [BadgeRecord] {
        try await memory.read { state in
            state.badges.values
                .filter { query.matches($0) && (query.before?.precedes($0) ?? true) }
                .sorted { ($0.issuedAt, $0.jti) > ($1.issuedAt, $1.jti) }
                .limited(query.limit)
        }
    }

    public func countBadges(_ query: BadgeQuery) async throws -> Int {
        try await memory.read { state in state.badges.values.filter { query.matches($0) }.count }
    }
}
