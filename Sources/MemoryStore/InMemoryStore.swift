import Registry

/// The whole storage port in memory, for unit tests of the use cases: no I/O, a fresh empty
/// registry per instance, the SQL adapter's semantics (ordering, org scoping, conditional writes,
/// uniqueness violations named `table.column`, the organisation foreign keys), and transactions
/// that are atomic and isolated.
///
/// Reads see the last committed state. Writes are serialised like SQLite's single writer: a
/// transaction works on a copy of the state while holding the writer lock and swaps it in when
/// its body returns (discarding it when the body throws); single-statement writes wait for open
/// transactions. Writing through the store itself (rather than the handle) from inside one of its
/// own transactions throws `InMemoryStoreError.writeOutsideOpenTransaction` instead of
/// deadlocking, since that code would hang on SQLite.
public final class InMemoryStore: RegistryStore, MemoryQueries {
    let database = MemoryDatabase()

    public init() {}

    public var memory: MemoryAccess { MemoryAccess(target: .committed(database)) }

    public func ping() async throws {}

    public func inTransaction<T: Sendable>(_ body: @Sendable (any StoreTransaction) async throws -> T) async throws -> T {
        try await database.transaction { working in
            try await body(MemoryTransaction(memory: MemoryAccess(target: .transaction(working))))
        }
    }
}

/// The handle `InMemoryStore.inTransaction` gives its body: the single-statement operations only,
/// applied to the transaction's working copy.
struct MemoryTransaction: MemoryQueries {
    let memory: MemoryAccess
}
