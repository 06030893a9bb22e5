import BadgeCore
import Registry

extension SQLStore {
    /// Rows per INSERT statement: 12 binds a row keeps a statement at 12 000 binds, well under
    /// PostgreSQL's 65 535 and SQLite's 32 766 bind-parameter limits.
    static let seedRowsPerStatement = 1000

    /// Development helper for benchmarks (`insignia dev seed`), not part of the `BadgeStore`
    /// port: inserts `badges` into the ledger with multi-row INSERTs, all in one transaction.
    /// Callers pass a few thousand rows per call. One SQL text serves both databases. Revoked
    /// rows are journaled as trust changes under one new sequence (at `now`), in the same
    /// transaction. With `loggedAs` (the issuer origin), each badge also gets its transparency log
    /// entry, sequenced in the same transaction as issuance does, so the log is as large as the
    /// ledger (its `sha256` names the synthetic token `seed.<jti>`: no real token exists for these rows).
    public func seedBadges(_ badges: [BadgeRecord], now: Int64, loggedAs issuer: String? = nil) async throws {
        guard !badges.isEmpty else { return }
        try await database.transaction { tx in
            let revocations = badges.compactMap { badge in badge.revokedAt.map { TrustChange.revocation(jti: badge.jti, at: $0) } }
            if !revocations.isEmpty { try await SQLStatements(executor: tx).recordTrustChanges(revocations, at: now) }
            var start = 0
            while start < badges.count {
                let chunk = badges[start..<min(start + Self.seedRowsPerStatement, badges.count)]
                try await tx.query(Self.multiRowInsert("badges", columns: SQLColumns.badge, rows: chunk.count), chunk.flatMap(Self.badgeBinds))
                start += chunk.count
            }
            guard let issuer else { return }
            _ = try await SQLStatements(executor: tx).sequenceLogEntries(badges.map { LogEntryRecord(badge: $0, iss: issuer, token: "seed." + $0.jti) })
        }
    }
}
