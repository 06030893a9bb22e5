import Registry

extension MemoryQueries {
    public func insertConsoleSession(_ session: ConsoleSession) async throws {
        try await memory.write { state in
            try state.unique("console_sessions.id_hash", state.consoleSessions[session.idHash] != nil)
            try state.requireOrganization(session.orgID, for: "console_sessions.org_id")
            state.consoleSessions[session.idHash] = session
        }
    }

    public func consoleSession(idHash: String) async throws -> ConsoleSession? {
        try await memory.read { state in state.consoleSessions[idHash] }
    }

    public func touchConsoleSession(idHash: String, at: Int64) async throws -> Bool {
        try await memory.write { state in
            guard state.consoleSessions[idHash] != nil else { return false }
            state.consoleSessions[idHash]?.lastSeenAt = at
            return true
        }
    }

    public func deleteConsoleSession(idHash: String) async throws -> Bool {
        try await memory.write { state in state.consoleSessions.removeValue(forKey: idHash) != nil }
    }

    public func purgeConsoleSessions(idleBefore: Int64, createdBefore: Int64) async throws -> Int {
        try await memory.write { state in
            let stale = state.consoleSessions.values.filter { $0.lastSeenAt < idleBefore || $0.createdAt < createdBefore }
            for session in stale { state.consoleSessions[session.idHash] = nil }
            return stale.count
        }
    }
}
