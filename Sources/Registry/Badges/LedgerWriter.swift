/// Group commit for the badge ledger: concurrent issuances share one transaction (`Coalescer`).
///
/// Each caller returns only after the transaction holding its row has committed, so an answered
/// badge is never lost. If a batch fails, its entries are retried one by one so that only a failing
/// entry's caller sees the error. An entry whose `basis` no longer held is not written: its caller
/// gets `staleBasis`.
struct LedgerWriter: Sendable {
    private let batches: Coalescer<LedgerEntry, Void>

    init(store: any LedgerBatching, maxBatch: Int = 256) {
        batches = Coalescer(maxBatch: maxBatch) { entries in
            do {
                let stale = try await store.insertBadges(entries)
                return entries.map { Self.result(stale: stale.contains($0.badge.jti)) }
            } catch {
                var results: [Result<Void, any Error>] = []
                for entry in entries {
                    do {
                        results.append(Self.result(stale: !(try await store.insertBadges([entry])).isEmpty))
                    } catch {
                        results.append(.failure(error))
                    }
                }
                return results
            }
        }
    }

    /// Thrown to a caller whose entry was left out because its basis changed under it.
    static let staleBasis = RegistryError(
        .issuanceBasisStale, "the agent or API key changed while the badge was being issued; retry the request"
    )

    /// Writes `entry`; returns once it is committed.
    func write(_ entry: LedgerEntry) async throws {
        try await batches.submit(entry)
    }

    private static func result(stale: Bool) -> Result<Void, any Error> {
        stale ? .failure(staleBasis) : .success(())
    }
}
