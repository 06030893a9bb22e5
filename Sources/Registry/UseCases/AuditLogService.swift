/// Reads an organisation's audit log (`GET /v1/events`).
public struct AuditLogService: Sendable {
    let store: any AuditStore

    public init(store: any AuditStore) {
        self.store = store
    }

    /// Events matching `query`, oldest first. The caller scopes `query.orgID` to its principal.
    public func events(_ query: EventQuery) async throws -> [AuditEvent] {
        try await store.events(query)
    }
}
