/// What a database call was, for metrics.
public enum SQLOperationKind: String, Sendable, CaseIterable {
    /// One statement, alone or inside a transaction.
    case query
    /// A whole transaction, from asking for it (including any wait for a connection or lock) to commit or rollback.
    case transaction
}

/// Told about every statement and transaction an `InstrumentedSQLDatabase` runs.
///
/// Called on the hot path of every request: implementations must be cheap and must not block.
public protocol SQLDatabaseObserver: Sendable {
    /// A statement or transaction was asked for.
    func started(_ kind: SQLOperationKind)
    /// It returned (`failed: false`) or threw (`failed: true`) after `duration`.
    func finished(_ kind: SQLOperationKind, after duration: Duration, failed: Bool)
}

extension SQLDatabaseObserver {
    /// Runs `operation`, reporting its start, end, duration and outcome.
    func observe<T>(_ kind: SQLOperationKind, _ operation: () async throws -> T) async throws -> T {
        let start = ContinuousClock.now
        started(kind)
        do {
            let value = try await operation()
            finished(kind, after: ContinuousClock.now - start, failed: false)
            return value
        } catch {
            finished(kind, after: ContinuousClock.now - start, failed: true)
            throw error
        }
    }
}
