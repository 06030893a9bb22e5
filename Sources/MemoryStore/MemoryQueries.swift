import Registry

/// Where a handle's statements go: the committed state of an `InMemoryStore`, or the working copy
/// of one of its transactions. Opaque outside this module.
public struct MemoryAccess: Sendable {
    enum Target: Sendable {
        case committed(MemoryDatabase)
        case transaction(WorkingCopy)
    }

    let target: Target

    func read<T>(_ body: (MemoryState) throws -> T) async throws -> T {
        switch target {
        case .committed(let database): try database.read(body)
        case .transaction(let working): try working.read(body)
        }
    }

    /// Applies `body` atomically; `operation` names it in the error for a write that would deadlock.
    func write<T>(_ operation: String = #function, _ body: (inout MemoryState) throws -> T) async throws -> T {
        switch target {
        case .committed(let database): try await database.write(operation, body)
        case .transaction(let working): try working.write(body)
        }
    }
}

/// Every `StoreTransaction` operation, written once over `MemoryState` and run where `memory`
/// points: the store itself (`InMemoryStore`) or an open transaction (its handle). The in-memory
/// counterpart of the SQL adapter's `SQLQueries`, with the same semantics.
public protocol MemoryQueries: StoreTransaction {
    var memory: MemoryAccess { get }
}
