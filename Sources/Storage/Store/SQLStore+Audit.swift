import Registry

extension SQLQueries {

    static func eventBinds(_ event: AuditEvent) -> [SQLValue] {
        [
            .text(event.id), .optional(event.orgID), .text(event.type), .text(event.actor), .optional(event.subject),
            .optional(event.agentID), .optional(event.details), .int(event.createdAt),
        ]
    }

    public func appendEvent(_ event: AuditEvent) async throws {
        try await executor.query(Self.multiRowInsert("audit_events", columns: SQLColumns.event, rows: 1), Self.eventBinds(event))
    }

    /// Events sharing a `created_at` come in id order.
    public func events(_ query: EventQuery) async throws -> [AuditEvent] {
        var conditions: [String] = []
        var binds: [SQLValue] = []
        func bind(_ value: SQLValue) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        if let orgID = query.orgID { conditions.append("org_id = \(bind(.text(orgID)))") }
        if let type = query.type { conditions.append("type = \(bind(.text(type)))") }
        if let since = query.since { conditions.append("created_at >= \(bind(.int(since)))") }
        if let until = query.until { conditions.append("created_at <= \(bind(.int(until)))") }
        if let agentID = query.agentID { conditions.append("agent_id = \(bind(.text(agentID)))") }
        if let after = query.after {
            let time = bind(.int(after.createdAt))
            conditions.append("(created_at > \(time) OR (created_at = \(time) AND id > \(bind(.text(after.id)))))")
        }
        var sql = "SELECT * FROM audit_events"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY created_at, id"
        if let limit = query.limit { sql += " LIMIT \(max(0, limit))" }
        return try await executor.query(sql, binds).map(Self.event(from:))
    }

    static func event(from row: SQLRow) throws -> AuditEvent {
        AuditEvent(
            id: try row.string("id"), orgID: try row.optionalString("org_id"), type: try row.string("type"),
            actor: try row.string("actor"), subject: try row.optionalString("subject"), agentID: try row.optionalString("agent_id"),
            details: try row.optionalString("details"), createdAt: try row.int("created_at")
        )
    }
}
