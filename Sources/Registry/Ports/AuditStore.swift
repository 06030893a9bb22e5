/// Storage port for the audit log: written in the same transaction as the change it records.
public protocol AuditStore: Sendable {
    func appendEvent(_ event: AuditEvent) async throws
    /// Events matching `query`, ordered by (created_at, id).
    func events(_ query: EventQuery) async throws -> [AuditEvent]
}

extension AuditStore {
    /// Every event of one org (or of all when nil), oldest first.
    public func events(orgID: String?) async throws -> [AuditEvent] {
        try await events(EventQuery(orgID: orgID))
    }
}
