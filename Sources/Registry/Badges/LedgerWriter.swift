/// Group commit for the badge ledger: concurrent issuances share one transaction.
///
/// While a batch is being written, new entries queue; the next batch takes them all. Under light
/// load every badge is written alone (no added latency); under heavy load one commit serves many
/// requests. Each caller returns only after the transaction holding its row has committed, so an
/// answered badge is never lost. If a batch fails, its entries are retried one by one so that only
/// a failing entry's caller sees the error.
actor LedgerWriter {
    typealias Entry = (badge: BadgeRecord, event: AuditEvent)

    private let store: any RegistryStore
    private let maxBatch: Int
    private var pending: [(entry: Entry, waiter: CheckedContinuation<Void, any Error>)] = []
    private var flushing = false

    init(store: any RegistryStore, maxBatch: Int = 256) {
        self.store = store
        self.maxBatch = maxBatch
    }

    /// Writes `entry`; returns once it is committed.
    func write(_ entry: Entry) async throws {
        try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Void, any Error>) in
            pending.append((entry, waiter))
            if !flushing {
                flushing = true
                Task { await flush() }
            }
        }
    }

    private func flush() async {
        while !pending.isEmpty {
            let batch = Array(pending.prefix(maxBatch))
            pending.removeFirst(batch.count)
            do {
                try await store.insertBadges(batch.map(\.entry))
                for item in batch { item.waiter.resume() }
            } catch {
                for item in batch {
                    do {
                        try await store.insertBadges([item.entry])
                        item.waiter.resume()
                    } catch {
                        item.waiter.resume(throwing: error)
                    }
                }
            }
        }
        flushing = false
    }
}
