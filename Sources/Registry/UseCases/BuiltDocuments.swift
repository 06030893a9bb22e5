import BadgeCore
import Foundation

/// The last `did.json` document built for each agent, with the row it was built from.
///
/// Not a cache of reads (freshness is the store's business, see `ReadFreshness`): a document is
/// reused only for a row equal to the one it was built from, so it is exactly what building it
/// again would give. It saves the key parsing and multibase encoding on the hottest public route.
final class BuiltDocuments: @unchecked Sendable {
    // @unchecked: `entries` is only touched under `lock`.
    private let lock = NSLock()
    private var entries: [String: (agent: Agent, document: DIDDocument)] = [:]
    /// Entries held at most; when full, the map starts again empty (a miss only costs a build).
    private let capacity = 4096

    /// The document for `agent`, built by `build` unless one was built from an equal row.
    func document(for agent: Agent, build: (Agent) throws -> DIDDocument) rethrows -> DIDDocument {
        if let entry = lock.withLock({ entries[agent.id] }), entry.agent == agent { return entry.document }
        let document = try build(agent)
        lock.withLock {
            if entries.count >= capacity, entries[agent.id] == nil { entries.removeAll(keepingCapacity: true) }
            entries[agent.id] = (agent, document)
        }
        return document
    }
}
