import Registry

extension SQLStore {
    public func appendEvent(_ event: AuditEvent) async throws {
        try await database.query(
            "INSERT INTO audit_events (id, org_id, type, actor, subject, details, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            [
                .text(event.id), .optional(event.orgID), .text(event.type), .text(event.actor), .optional(event.subject),
                .optional(event.details), .int(event.createdAt),
            ]
        )
    }

    /// Events sharing a `created_at` come in id order.
    public func events(orgID: String?) async throws -> [AuditEvent] {
        let rows = if let orgID {
            try await database.query("SELECT * FROM audit_events WHERE org_id = $1 ORDER BY created_at, id", [.text(orgID)])
        } else {
            try await database.query("SELECT * FROM audit_events ORDER BY created_at, id")
        }
        return try rows.map(Self.event(from:))
    }

    static func event(from row: SQLRow) throws -> AuditEvent {
        AuditEvent(
            id: try row.string("id"), orgID: try row.optionalString("org_id"), type: try row.string("type"),
            actor: try row.string("actor"), subject: try row.optionalString("subject"),
            details: try row.optionalString("details"), createdAt: try row.int("created_at")
        )
    }
}
