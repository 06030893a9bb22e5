import Foundation
import Registry

/// The committed state of one in-memory store and the locks around it.
///
/// Readers take a short lock and see the last committed state. Writers (single statements,
/// transactions, the self-transacting operations) take `writer` in turn, as SQLite's single
/// writer does, so a transaction working on a copy can swap it in on commit without losing
/// anyone's write.
final class MemoryDatabase: @unchecked Sendable {
    // @unchecked: `state` is only touched under `lock`.
    private let lock = NSLock()
    private var state = MemoryState()
    private let writer = AsyncLock()

    /// The database whose transaction body the current task is running, if any.
    @TaskLocal static var openTransaction: ObjectIdentifier?

    /// Runs `body` on the committed state.
    func read<T>(_ body: (MemoryState) throws -> T) throws -> T {
        let current = lock.withLock { state }
        return try body(current)
    }

    /// Runs `body` on a copy of the committed state, holding the writer lock, and commits the copy
    /// when `body` returns: one atomic statement (or self-contained transaction).
    func write<T>(_ operation: String, _ body: (inout MemoryState) throws -> T) async throws -> T {
        try refuseInsideOwnTransaction(operation)
        await writer.acquire()
        var copy = lock.withLock { state }
        let result = Result { try body(&copy) }
        if case .success = result {
            let committed = copy
            lock.withLock { state = committed }
        }
        await writer.release()
        return try result.get()
    }

    /// Runs `body` against a working copy of the state, holding the writer lock throughout;
    /// commits the copy when `body` returns and discards it when `body` throws.
    func transaction<T: Sendable>(_ body: (WorkingCopy) async throws -> T) async throws -> T {
        try refuseInsideOwnTransaction("inTransaction")
        await writer.acquire()
        let working = WorkingCopy(lock.withLock { state })
        let result: Result<T, any Error>
        do {
            result = .success(try await Self.$openTransaction.withValue(ObjectIdentifier(self)) { try await body(working) })
        } catch {
            result = .failure(error)
        }
        let final = working.close()
        if case .success = result {
            lock.withLock { state = final }
        }
        await writer.release()
        return try result.get()
    }

    private func refuseInsideOwnTransaction(_ operation: String) throws {
        if Self.openTransaction == ObjectIdentifier(self) {
            throw InMemoryStoreError.writeOutsideOpenTransaction(operation: operation)
        }
    }
}

/// One transaction's private copy of the state. Each statement applies to a copy of the copy and
/// is kept only when it succeeds, so a failed statement leaves the transaction as it was (as a
/// failed statement does in SQLite; the caller usually throws and discards everything anyway).
final class WorkingCopy: @unchecked Sendable {
    // @unchecked: `state` and `open` are only touched under `lock`.
    private let lock = NSLock()
    private var state: MemoryState
    private var open = true

    init(_ state: MemoryState) {
        self.state = state
    }

    func read<T>(_ body: (MemoryState) throws -> T) throws -> T {
        let current = try lock.withLock {
            guard open else { throw InMemoryStoreError.transactionClosed }
            return state
        }
        return try body(current)
    }

    func write<T>(_ body: (inout MemoryState) throws -> T) throws -> T {
        try lock.withLock {
            guard open else { throw InMemoryStoreError.transactionClosed }
            var copy = state
            let value = try body(&copy)
            state = copy
            return value
        }
    }

    /// Ends the transaction and returns its final state; later use of the handle throws.
    func close() -> MemoryState {
        lock.withLock {
            open = false
            return state
        }
    }
}
