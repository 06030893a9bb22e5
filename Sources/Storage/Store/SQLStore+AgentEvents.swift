import Registry

/// An ingested event's identity: clients resend by id within their organisation.
struct AgentEventKey: Hashable, Sendable {
    let orgID: String
    let id: String
}

extension SQLQueries {
    @discardableResult
    public func insertAgentEvents(_ events: [AgentEvent]) async throws -> Int {
        try await Self.insertAgentEvents(events, executor).count
    }

    /// Inserts `events` (a resent id of the same organisation is skipped); returns the
    /// `(org_id, id)` keys it inserted. PostgreSQL writes them in one prepared statement
    /// (`ColumnArrays`); SQLite in multi-row statements (`statementChunks`).
    static func insertAgentEvents(_ events: [AgentEvent], _ executor: any SQLExecutor) async throws -> Set<AgentEventKey> {
        let rows = events.map { event -> [SQLValue] in
            [
                .text(event.orgID), .text(event.id), .text(event.type), .optional(event.agentID), .optional(event.serverID),
                .optional(event.severity), .text(event.actor), .text(event.body), .int(event.createdAt),
            ]
        }
        var inserted: Set<AgentEventKey> = []
        func collect(_ returned: [SQLRow]) throws {
            for row in returned { inserted.insert(AgentEventKey(orgID: try row.string("org_id"), id: try row.string("id"))) }
        }
        if executor.dialect == .postgres {
            if !rows.isEmpty { try collect(try await executor.query(AgentEventInsert.self, try ColumnArrays.agentEvents.arrays(rows))) }
            return inserted
        }
        for chunk in rows.statementChunks {
            let sql = Self.multiRowInsert("agent_events", columns: SQLColumns.agentEvent, rows: chunk.count) + AgentEventInsert.onConflict
            try collect(try await executor.query(sql, chunk.flatMap { $0 }))
        }
        return inserted
    }

    public func agentEvents(_ query: AgentEventQuery) async throws -> [AgentEvent] {
        var binds: [SQLValue] = []
        func bind(_ value: SQLValue) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        var conditions = ["org_id = \(bind(.text(query.orgID)))"]
        if let type = query.type { conditions.append("type = \(bind(.text(type)))") }
        if let agentID = query.agentID { conditions.append("agent_id = \(bind(.text(agentID)))") }
        if let serverID = query.serverID { conditions.append("server_id = \(bind(.text(serverID)))") }
        if let since = query.since { conditions.append("created_at >= \(bind(.int(since)))") }
        if let until = query.until { conditions.append("created_at <= \(bind(.int(until)))") }
        if let after = query.after {
            let time = bind(.int(after.createdAt))
            conditions.append("(created_at > \(time) OR (created_at = \(time) AND id > \(bind(.text(after.id)))))")
        }
        var sql = "SELECT * FROM agent_events WHERE " + conditions.joined(separator: " AND ") + " ORDER BY created_at, id"
        if let limit = query.limit { sql += " LIMIT \(max(0, limit))" }
        return try await executor.query(sql, binds).map { row in
            AgentEvent(
                id: try row.string("id"), orgID: try row.string("org_id"), type: try row.string("type"),
                agentID: try row.optionalString("agent_id"), serverID: try row.optionalString("server_id"),
                severity: try row.optionalString("severity"), actor: try row.string("actor"), body: try row.string("body"),
                createdAt: try row.int("created_at")
            )
        }
    }

    @discardableResult
    public func purgeAgentEvents(receivedBefore cutoff: Int64) async throws -> Int {
        try await executor.query("DELETE FROM agent_events WHERE created_at < $1 RETURNING id", [.int(cutoff)]).count
    }
}

extension SQLStore {
    /// Concurrent ingestion requests share one transaction (`SQLStoreAccelerators.events`): each
    /// returns once the transaction holding its events has committed.
    @discardableResult
    public func insertAgentEvents(_ events: [AgentEvent]) async throws -> Int {
        guard !events.isEmpty else { return 0 }
        return try await accelerators.events.submit(events)
    }

    /// Writes several requests' events in one transaction; returns how many of each request's
    /// events were new. Within the batch, an id sent twice counts for the first request sending it,
    /// as the statement inserts the first occurrence.
    static func insertAgentEventBatches(_ batches: [[AgentEvent]], in database: any SQLDatabase) async throws -> [Int] {
        let inserted = try await database.transaction { tx in try await Self.insertAgentEvents(batches.flatMap { $0 }, tx) }
        var credited: Set<AgentEventKey> = []
        return batches.map { events in
            events.reduce(0) { count, event in
                let key = AgentEventKey(orgID: event.orgID, id: event.id)
                return inserted.contains(key) && credited.insert(key).inserted ? count + 1 : count
            }
        }
    }
}

/// PostgreSQL's insert of ingested events, each column bound as one array.
enum AgentEventInsert: FixedSQL {
    /// A resent id is skipped; the keys of the rows written come back.
    static let onConflict = " ON CONFLICT (org_id, id) DO NOTHING RETURNING org_id, id"
    static let sql = ColumnArrays.agentEvents.insert(firstParameter: 1) + onConflict
}
