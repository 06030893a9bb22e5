import Registry

/// Group commit for the badge ledger: concurrent issuances share one transaction (`Coalescer`).
///
/// Each caller returns only after the transaction holding its row has committed, so an answered
/// badge is never lost. If a batch fails, its entries are retried one by one so that only a failing
/// entry's caller sees the error. An entry whose `basis` no longer held is not written: its caller
/// gets false.
struct GroupCommit: Sendable {
    private let batches: Coalescer<LedgerEntry, Bool>

    /// `insert` writes entries in one transaction and returns the jtis it left out.
    init(maxBatch: Int = 256, insert: @escaping @Sendable ([LedgerEntry]) async throws -> Set<String>) {
        batches = .writes(maxBatch: maxBatch) { entries in
            let stale = try await insert(entries)
            return entries.map { !stale.contains($0.badge.jti) }
        }
    }

    /// Writes `entry`; returns once it is committed, or false when its basis no longer held.
    func write(_ entry: LedgerEntry) async throws -> Bool {
        try await batches.submit(entry)
    }
}
