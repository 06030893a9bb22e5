import Registry

/// Group commit for the badge ledger: concurrent issuances share one transaction (`Coalescer`).
///
/// Each caller returns only after the transaction holding its row has committed, so an answered
/// badge is never lost. If a batch fails, its entries are retried one by one so that only a failing
/// entry's caller sees the error. An entry whose `basis` no longer held is not written: its caller
/// gets `.stale`.
struct GroupCommit: Sendable {
    private let batches: Coalescer<LedgerEntry, LedgerRecording>

    /// `insert` writes entries in one transaction.
    init(maxBatch: Int = 256, insert: @escaping @Sendable ([LedgerEntry]) async throws -> LedgerCommit) {
        batches = .writes(maxBatch: maxBatch) { entries in
            let commit = try await insert(entries)
            return entries.map { commit.recording(of: $0.badge.jti) }
        }
    }

    /// Writes `entry`; returns once it is committed (with its log index), or `.stale`.
    func write(_ entry: LedgerEntry) async throws -> LedgerRecording {
        try await batches.submit(entry)
    }
}
