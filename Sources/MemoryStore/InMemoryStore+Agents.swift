import Registry

extension MemoryQueries {
    public func insertAgent(_ agent: Agent) async throws {
        try await memory.write { state in
            try state.unique("agents.id", state.agents[agent.id] != nil)
            try state.checkDIDFree(agent)
            try state.requireOrganization(agent.orgID, for: "agents.org_id")
            state.agents[agent.id] = MemoryRows.stored(agent)
        }
    }

    public func agent(id: String) async throws -> Agent? {
        try await memory.read { $0.agents[id] }
    }

    public func agent(did: String) async throws -> Agent? {
        try await memory.read { state in state.agents.values.first { $0.did == did } }
    }

    public func agent(did: String, elseID id: String) async throws -> Agent? {
        try await memory.read { state in state.agents.values.first { $0.did == did } ?? state.agents[id] }
    }

    public func agents(orgID: String, kind: AgentKind, after cursor: PageCursor?, limit: Int?) async throws -> [Agent] {
        try await memory.read { state in
            state.agents.values
                .filter { agent in
                    guard agent.orgID == orgID, agent.kind == kind else { return false }
                    guard let cursor else { return true }
                    return (agent.createdAt, agent.id) > (cursor.createdAt, cursor.id)
                }
                .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
                .limited(limit)
        }
    }

    /// Every column but id, org and kind is replaced; the row must match all three.
    public func updateAgent(_ agent: Agent) async throws -> Bool {
        try await memory.write { state in
            guard let stored = state.agents[agent.id], stored.orgID == agent.orgID, stored.kind == agent.kind,
                  stored.revision == agent.revision
            else { return false }
            try state.checkDIDFree(agent)
            var next = agent
            next.revision += 1
            state.agents[agent.id] = MemoryRows.stored(next)
            return true
        }
    }

    public func deleteAgent(id: String, orgID: String) async throws -> Bool {
        try await memory.write { state in
            guard state.agents[id]?.orgID == orgID else { return false }
            state.agents[id] = nil
            return true
        }
    }
}

extension MemoryState {
    /// `agents.did` is unique among other agents (NULLs never collide).
    func checkDIDFree(_ agent: Agent) throws {
        guard let did = agent.did else { return }
        try unique("agents.did", agents.values.contains { $0.did == did && $0.id != agent.id })
    }
}
