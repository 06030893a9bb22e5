import BadgeCore
import Foundation
import Registry

extension SQLStore {
    /// Rows per INSERT statement: 19 binds a row (agents) keeps a statement at 19 000 binds, well
    /// under PostgreSQL's 65 535 and SQLite's 32 766 bind-parameter limits.
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
            var logIndices: [String: Int64] = [:]
            if let issuer {
                let entries = badges.map { LogEntryRecord(badge: $0, iss: issuer, token: "seed." + $0.jti) }
                logIndices = LedgerCommit.indices(of: entries, from: try await SQLStatements(executor: tx).sequenceLogEntries(try LogBatch.Prepared(entries)))
            }
            try await Self.insertRows(badges, into: "badges", columns: SQLColumns.badge, binds: { Self.badgeBinds($0, logIndex: logIndices[$0.jti]) }, tx)
        }
    }

    /// Development helper for benchmarks (`insignia dev seed`), not part of the `AgentStore` port:
    /// inserts `agents` as `seedBadges` inserts badges (no audit events: they are synthetic).
    public func seedAgents(_ agents: [Agent]) async throws {
        guard !agents.isEmpty else { return }
        try await database.transaction { tx in
            try await Self.insertRows(agents, into: "agents", columns: SQLColumns.agent.components(separatedBy: ", "), binds: Self.agentBinds, tx)
        }
    }

    /// Development helper for benchmarks (`insignia dev seed`), not part of the `AuditStore` port:
    /// inserts `events` as `seedBadges` inserts badges.
    public func seedAuditEvents(_ events: [AuditEvent]) async throws {
        guard !events.isEmpty else { return }
        try await database.transaction { tx in
            try await Self.insertRows(events, into: "audit_events", columns: SQLColumns.event, binds: Self.eventBinds, tx)
        }
    }

    /// Multi-row INSERTs of `rows` into `table`, `seedRowsPerStatement` at a time, on `executor`.
    private static func insertRows<Row>(
        _ rows: [Row], into table: String, columns: [String], binds: (Row) -> [SQLValue], _ executor: any SQLExecutor
    ) async throws {
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(start + seedRowsPerStatement, rows.count)]
            try await executor.query(multiRowInsert(table, columns: columns, rows: chunk.count), chunk.flatMap(binds))
            start += chunk.count
        }
    }
}
