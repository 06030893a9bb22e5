import CSQLite
import Foundation

/// A SQLite connection on a thread of its own, which is also a `TaskExecutor`.
///
/// The own thread matters: SQLite blocks its thread while it waits for another process's write lock
/// (`busy_timeout`), and on the shared cooperative pool that wait could starve the task holding the
/// lock. The thread runs work one item at a time in the order it came, so the connection's
/// statements never overlap.
///
/// A statement from elsewhere costs a hand-off to the thread and a resumption back. Code that runs
/// many statements in a row (a transaction) runs on the thread instead (`withPreference`): its
/// statements then run in place, and the whole transaction is one hand-off rather than one per
/// statement. On a busy machine each hand-off waits for a thread to be scheduled, and a writer's
/// transaction holds the database's only write lock all the while.
final class SQLiteConnectionThread: TaskExecutor, @unchecked Sendable {
    // @unchecked: `handle` is set once, before the connection is handed out, and then used only on
    // the thread; `condition` guards the queue.
    private var handle: SQLiteConnectionHandle?
    /// Guards the queue below and signals the thread.
    private let condition = NSCondition()
    private var items: [Work] = []
    private var stopped = false
    private var owner: pthread_t?
    private var blocksSubmitted = 0

    private init() {}

    /// Opens the connection on its new thread (opening may wait for locks too) and runs `pragmas`.
    static func open(path: String?, pragmas: [String]) async throws -> SQLiteConnectionThread {
        let connection = SQLiteConnectionThread()
        connection.start()
        do {
            connection.handle = try await connection.onThread { try SQLiteConnectionHandle(path: path, pragmas: pragmas) }
            return connection
        } catch {
            connection.stop()
            throw error
        }
    }

    /// Runs one statement and returns all its rows: in place when called on the connection's thread,
    /// otherwise with a hand-off to it.
    @discardableResult
    func run(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        // Not cancellable: a statement that belongs to a transaction (its COMMIT or ROLLBACK too)
        // must run regardless.
        if isCurrentThread { return try execute(sql, binds) }
        return try await onThread { try self.execute(sql, binds) }
    }

    /// Runs `body` with this connection's thread as the task's preferred executor: its nonisolated
    /// code, and so its statements on this connection, run on the thread without hand-offs.
    func withPreference<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await withTaskExecutorPreference(self, operation: body)
    }

    /// Closes the connection after the work already queued, then ends the thread.
    func close() async {
        _ = try? await onThread {
            self.handle?.close()
            self.handle = nil
        }
        stop()
    }

    private func execute(_ sql: String, _ binds: [SQLValue]) throws -> [SQLRow] {
        guard let handle else { throw SQLiteError(code: SQLITE_MISUSE, message: "the connection is closed", sql: sql) }
        return try handle.execute(sql, binds)
    }

    private func onThread<T: Sendable>(_ work: @escaping () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let submitted = submit(.block { continuation.resume(with: Result(catching: work)) })
            if !submitted {
                continuation.resume(throwing: SQLiteError(code: SQLITE_MISUSE, message: "the connection is closed", sql: nil))
            }
        }
    }

    // MARK: TaskExecutor

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        // After `close` the thread is gone; a task still preferring it continues on the global
        // executor (its statements then fail: the connection is closed).
        if !submit(.job(job)) { globalConcurrentExecutor.enqueue(job) }
    }

    // MARK: The thread

    private enum Work {
        case job(UnownedJob)
        case block(() -> Void)
    }

    /// Starts the thread; it runs until `stop`, and holds the connection until then.
    private func start() {
        Thread { [self] in
            // Named from inside: a Linux thread otherwise keeps its creator's name, and Foundation's
            // `name` setter races the thread's start.
            insignia_name_this_thread("sqlite")
            condition.withLock { owner = pthread_self() }
            loop()
        }.start()
    }

    /// Queues `work`; false once stopped.
    private func submit(_ work: Work) -> Bool {
        condition.withLock {
            guard !stopped else { return false }
            if case .block = work { blocksSubmitted += 1 }
            items.append(work)
            condition.signal()
            return true
        }
    }

    /// Lets the thread finish the work already queued, then end; later submissions are refused.
    private func stop() {
        condition.withLock {
            stopped = true
            condition.signal()
        }
    }

    /// Statements (and opening and closing) handed to the thread from elsewhere so far.
    var handOffs: Int { condition.withLock { blocksSubmitted } }

    private var isCurrentThread: Bool {
        let current = pthread_self()
        return condition.withLock { owner.map { pthread_equal($0, current) != 0 } ?? false }
    }

    private func loop() {
        var batch: [Work] = []
        while true {
            condition.lock()
            while items.isEmpty, !stopped { condition.wait() }
            // All that is queued, taken at once (one lock round per batch, in order); the two
            // arrays swap, so neither is reallocated.
            swap(&batch, &items)
            condition.unlock()
            if batch.isEmpty { return }
            for work in batch {
                switch work {
                case .job(let job): job.runSynchronously(on: asUnownedTaskExecutor())
                case .block(let block): block()
                }
            }
            batch.removeAll(keepingCapacity: true)
        }
    }
}
