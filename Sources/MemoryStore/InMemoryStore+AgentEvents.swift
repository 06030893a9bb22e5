import Registry

extension MemoryQueries {
    @discardableResult
    public func insertAgentEvents(_ events: [AgentEvent]) async throws -> Int {
        try await memory.write { state in
            var inserted = 0
            for event in events {
                let key = AgentEventKey(orgID: event.orgID, id: event.id)
                guard state.agentEvents[key] == nil else { continue }
                state.agentEvents[key] = event
                inserted += 1
            }
            return inserted
        }
    }

    public func agentEvents(_ query: AgentEventQuery) async throws -> [AgentEvent] {
        try await memory.read { state in
            state.agentEvents.values
                .filter { event in
                    if event.orgID != query.orgID { return false }
                    if let type = query.type, event.type != type { return false }
                    if let agentID = query.agentID, event.agentID != agentID { return false }
                    if let serverID = query.serverID, event.serverID != serverID { return false }
                    if let since = query.since, event.createdAt < since { return false }
                    if let until = query.until, event.createdAt > until { return false }
                    if let after = query.after, (event.createdAt, event.id) <= (after.createdAt, after.id) { return false }
                    return true
                }
                .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
                .limited(query.limit)
        }
    }

    @discardableResult
    public func purgeAgentEvents(receivedBefore cutoff: Int64) async throws -> Int {
        try await memory.write { state in
            let old = state.agentEvents.filter { $0.value.createdAt < cutoff }.map(\.key)
            for key in old { state.agentEvents[key] = nil }
            return old.count
        }
    }
}

/// The key of one ingested event: (organisation, client event id).
struct AgentEventKey: Hashable, Sendable {
    var orgID: String
    var id: String
}
