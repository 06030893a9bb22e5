/// Storage for admin console sessions. One of the ports `StoreTransaction` unites.
public protocol ConsoleSessionStore: Sendable {
    /// Throws `StoreError.uniqueViolation` when the id hash is taken.
    func insertConsoleSession(_ session: ConsoleSession) async throws
    func consoleSession(idHash: String) async throws -> ConsoleSession?
    /// Sets `last_seen_at`; false when there is no such session.
    func touchConsoleSession(idHash: String, at: Int64) async throws -> Bool
    /// Deletes one session; false when there was none.
    func deleteConsoleSession(idHash: String) async throws -> Bool
    /// Deletes sessions last seen before `idleBefore` or created before `createdBefore`; returns how many.
    func purgeConsoleSessions(idleBefore: Int64, createdBefore: Int64) async throws -> Int
}
