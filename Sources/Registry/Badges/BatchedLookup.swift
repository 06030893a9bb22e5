/// Coalesces concurrent lookups into one store read: the read-side twin of `LedgerWriter`.
///
/// At most `maxConcurrentReads` reads run at once (so SQLite's read connections and the PostgreSQL
/// pool still work in parallel); while they run, new lookups queue, and the next read takes them
/// all (up to `maxBatch` keys). Under light load every lookup is read alone; under load one
/// statement answers many requests, which matters most on PostgreSQL, where each statement costs a
/// round trip and the client's per-statement work. Answers are never stale: a read only serves the
/// lookups that were queued before it started, so each answer reflects every change committed
/// before its request arrived (a revocation is still seen at once, on every replica).
public actor BatchedLookup<Value: Sendable> {
    /// Reads the values of `keys` (distinct); keys without a value are left out.
    public typealias Fetch = @Sendable (_ keys: [String]) async throws -> [String: Value]

    private let fetch: Fetch
    private let maxBatch: Int
    private let maxConcurrentReads: Int
    private var pending: [(key: String, waiter: CheckedContinuation<Value?, any Error>)] = []
    private var readsInFlight = 0

    public init(maxBatch: Int = 128, maxConcurrentReads: Int = 2, fetch: @escaping Fetch) {
        self.fetch = fetch
        self.maxBatch = maxBatch
        self.maxConcurrentReads = maxConcurrentReads
    }

    /// The value of `key`, read after this call began; nil when there is none.
    public func value(for key: String) async throws -> Value? {
        try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Value?, any Error>) in
            pending.append((key, waiter))
            if readsInFlight < maxConcurrentReads {
                readsInFlight += 1
                Task { await readPending() }
            }
        }
    }

    private func readPending() async {
        while !pending.isEmpty {
            let batch = Array(pending.prefix(maxBatch))
            pending.removeFirst(batch.count)
            var keys: [String] = []
            var seen: Set<String> = []
            for item in batch where seen.insert(item.key).inserted { keys.append(item.key) }
            do {
                let values = try await fetch(keys)
                for item in batch { item.waiter.resume(returning: values[item.key]) }
            } catch {
                for item in batch { item.waiter.resume(throwing: error) }
            }
        }
        readsInFlight -= 1
    }
}
