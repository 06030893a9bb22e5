import BadgeCore
import Foundation
import Registry

extension SQLStore {
    /// Rows per INSERT statement: 18 binds a row (agents) keeps a statement at 18 000 binds, well
    /// under PostgreSQL's 65 535 and SQLite's 32 766 bind-parameter limits.
    static let seedRowsPerStatement = 1000

    /// Development helper for benchmarks (`insignia dev seed`), not part of the `BadgeStore`
    /// port: inserts `badges` into the ledger with multi-row INSERTs, all in one transaction.
    /// Callers pass a few thousand rows per call. One SQL text serves both databases.
    public func seedBadges(_ badges: [BadgeRecord]) async throws {
        try await seed(badges, into: "badges", columns: SQLColumns.badge, binds: Self.badgeBinds)
    }

    /// Development helper for benchmarks (`insignia dev seed`), not part of the `AgentStore` port:
    /// inserts `agents` as `seedBadges` inserts badges (no audit events: they are synthetic).
    public func seedAgents(_ agents: [Agent]) async throws {
        try await seed(agents, into: "agents", columns: SQLColumns.agent.components(separatedBy: ", "), binds: Self.agentBinds)
    }

    /// Development helper for benchmarks (`insignia dev seed`), not part of the `AuditStore` port:
    /// inserts `events` as `seedBadges` inserts badges.
    public func seedAuditEvents(_ events: [AuditEvent]) async throws {
        try await seed(events, into: "audit_events", columns: SQLColumns.event, binds: Self.eventBinds)
    }

    private func seed<Row: Sendable>(_ rows: [Row], into table: String, columns: [String], binds: @escaping @Sendable (Row) -> [SQLValue]) async throws {
        guard !rows.isEmpty else { return }
        try await database.transaction { tx in
            var start = 0
            while start < rows.count {
                let chunk = rows[start..<min(start + Self.seedRowsPerStatement, rows.count)]
                try await tx.query(Self.multiRowInsert(table, columns: columns, rows: chunk.count), chunk.flatMap(binds))
                start += chunk.count
            }
        }
    }
}
