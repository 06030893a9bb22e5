import NIOPosix
import CSQLite

/// A SQLite connection on a thread of its own. A statement costs one hand-off to that thread and one
/// resumption back with all of its rows.
///
/// The own thread matters: SQLite blocks its thread while it waits for another process's write lock
/// (`busy_timeout`), and on the shared cooperative pool that wait could starve the task holding the
/// lock. The thread runs work items one at a time in the order they came, so the connection's
/// statements never overlap.
final class SQLiteConnectionThread: Sendable {
    private let handle: SQLiteConnectionHandle
    private let thread: NIOThreadPool

    private init(handle: SQLiteConnectionHandle, thread: NIOThreadPool) {
        self.handle = handle
        self.thread = thread
    }

    /// Opens the connection on its new thread (opening may wait for locks too) and runs `pragmas`.
    static func open(path: String?, pragmas: [String]) async throws -> SQLiteConnectionThread {
        let thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
        do {
            let handle = try await thread.runIfActive { try SQLiteConnectionHandle(path: path, pragmas: pragmas) }
            return SQLiteConnectionThread(handle: handle, thread: thread)
        } catch {
            try? await thread.shutdownGracefully()
            throw error
        }
    }

    /// Runs one statement and returns all its rows.
    @discardableResult
    func run(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        // Not `runIfActive`: that drops work queued by a cancelled task, and a statement that
        // belongs to a transaction (its COMMIT or ROLLBACK too) must run regardless.
        try await withCheckedThrowingContinuation { continuation in
            thread.submit { state in
                guard case .active = state else {
                    return continuation.resume(throwing: SQLiteError(code: SQLITE_MISUSE, message: "the connection is closed", sql: sql))
                }
                continuation.resume(with: Result { try self.handle.execute(sql, binds) })
            }
        }
    }

    /// Closes the connection after the statements already queued, then stops the thread.
    func close() async {
        await withCheckedContinuation { continuation in
            thread.submit { _ in
                self.handle.close()
                continuation.resume()
            }
        }
        try? await thread.shutdownGracefully()
    }
}
