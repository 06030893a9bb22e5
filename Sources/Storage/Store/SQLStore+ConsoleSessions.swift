import Registry

extension SQLQueries {
    public func insertConsoleSession(_ session: ConsoleSession) async throws {
        try await executor.query(
            "INSERT INTO console_sessions (id_hash, org_id, key_hash, user_id, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $6)",
            [
                .text(session.idHash), .text(session.orgID), .optional(session.keyHash), .optional(session.userID), .int(session.createdAt),
                .int(session.lastSeenAt),
            ]
        )
    }

    public func consoleSession(idHash: String) async throws -> ConsoleSession? {
        try await executor.query("SELECT * FROM console_sessions WHERE id_hash = $1", [.text(idHash)]).first.map { row in
            ConsoleSession(
                idHash: try row.string("id_hash"), orgID: try row.string("org_id"), keyHash: try row.optionalString("key_hash"),
                userID: try row.optionalString("user_id"),
                createdAt: try row.int("created_at"), lastSeenAt: try row.int("last_seen_at")
            )
        }
    }

    public func touchConsoleSession(idHash: String, at: Int64) async throws -> Bool {
        !(try await executor.query(
            "UPDATE console_sessions SET last_seen_at = $2 WHERE id_hash = $1 RETURNING id_hash", [.text(idHash), .int(at)]
        )).isEmpty
    }

    public func deleteConsoleSession(idHash: String) async throws -> Bool {
        !(try await executor.query("DELETE FROM console_sessions WHERE id_hash = $1 RETURNING id_hash", [.text(idHash)])).isEmpty
    }

    public func purgeConsoleSessions(idleBefore: Int64, createdBefore: Int64) async throws -> Int {
        try await executor.query(
            "DELETE FROM console_sessions WHERE last_seen_at < $1 OR created_at < $2 RETURNING id_hash",
            [.int(idleBefore), .int(createdBefore)]
        ).count
    }
}
