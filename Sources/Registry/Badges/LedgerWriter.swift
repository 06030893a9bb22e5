/// Group commit for the badge ledger: concurrent issuances share one transaction.
///
/// While a batch is being written, new entries queue; the next batch takes them all. Under light
/// load every badge is written alone (no added latency); under heavy load one commit serves many
/// requests. Each caller returns only after the transaction holding its row has committed, so an
/// answered badge is never lost. If a batch fails, its entries are retried one by one so that only
/// a failing entry's caller sees the error. An entry whose `basis` no longer held is not written:
/// its caller gets `staleBasis`.
actor LedgerWriter {
    private let store: any RegistryStore
    private let maxBatch: Int
    private var pending: [(entry: LedgerEntry, waiter: CheckedContinuation<Void, any Error>)] = []
    private var flushing = false

    init(store: any RegistryStore, maxBatch: Int = 256) {
        self.store = store
        self.maxBatch = maxBatch
    }

    /// Thrown to a caller whose entry was left out because its basis changed under it.
    static let staleBasis = RegistryError(
        .conflict, "issuance_basis_stale", "the agent or API key changed while the badge was being issued; retry the request"
    )

    /// Writes `entry`; returns once it is committed.
    func write(_ entry: LedgerEntry) async throws {
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
                let stale = try await store.insertBadges(batch.map(\.entry))
                for item in batch { Self.answer(item.waiter, stale: stale.contains(item.entry.badge.jti)) }
            } catch {
                for item in batch {
                    do {
                        let stale = try await store.insertBadges([item.entry])
                        Self.answer(item.waiter, stale: !stale.isEmpty)
                    } catch {
                        item.waiter.resume(throwing: error)
                    }
                }
            }
        }
        flushing = false
    }

    private static func answer(_ waiter: CheckedContinuation<Void, any Error>, stale: Bool) {
        if stale { waiter.resume(throwing: staleBasis) } else { waiter.resume() }
    }
}
