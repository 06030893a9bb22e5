import Registry

extension MemoryQueries {
    public func appendEvent(_ event: AuditEvent) async throws {
        try await memory.write { state in try state.appendEvent(event) }
    }

    /// Events sharing a `created_at` come in id order.
    public func events(_ query: EventQuery) async throws -> [AuditEvent] {
        try await memory.read { state in
            state.events.values
                .filter { event in
                    if let orgID = query.orgID, event.orgID != orgID { return false }
                    if let type = query.type, event.type != type { return false }
                    if let since = query.since, event.createdAt < since { return false }
                    if let until = query.until, event.createdAt > until { return false }
                    if let agentID = query.agentID, event.agentID != agentID { return false }
                    if let after = query.after, (event.createdAt, event.id) <= (after.createdAt, after.id) { return false }
                    return true
                }
                .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
                .limited(query.limit)
        }
    }
}

extension MemoryState {
    mutating func appendEvent(_ event: AuditEvent) throws {
        try unique("audit_events.id", events[event.id] != nil)
        events[event.id] = event
    }
}
