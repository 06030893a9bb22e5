import BadgeCore
import Registry

extension SQLStore {
    /// Rows per INSERT statement: 12 binds a row keeps a statement at 12 000 binds, well under
    /// PostgreSQL's 65 535 and SQLite's 32 766 bind-parameter limits.
    static let seedRowsPerStatement = 1000

    /// Development helper for benchmarks (`insignia dev seed`), not part of the `BadgeStore`
    /// port: inserts `badges` into the ledger with multi-row INSERTs, all in one transaction.
    /// Callers pass a few thousand rows per call. One SQL text serves both databases.
    public func seedBadges(_ badges: [BadgeRecord]) async throws {
        guard !badges.isEmpty else { return }
        try await database.transaction { tx in
            var start = 0
            while start < badges.count {
                let chunk = badges[start..<min(start + Self.seedRowsPerStatement, badges.count)]
                try await tx.query(Self.seedInsertSQL(rows: chunk.count), chunk.flatMap(Self.seedBinds))
                start += chunk.count
            }
        }
    }

    private static let seedColumnCount = 12

    private static func seedInsertSQL(rows: Int) -> String {
        var sql = """
            INSERT INTO badges (jti, org_id, agent_id, subject, level, ial, kid, issued_at, expires_at, audience, revoked_at, revocation_reason) VALUES
            """
        sql.reserveCapacity(sql.utf8.count + rows * seedColumnCount * 8)
        for row in 0..<rows {
            sql += row == 0 ? " (" : ", ("
            for column in 0..<seedColumnCount {
                if column > 0 { sql += ", " }
                sql += "$\(row * seedColumnCount + column + 1)"
            }
            sql += ")"
        }
        return sql
    }

    private static func seedBinds(_ badge: BadgeRecord) -> [SQLValue] {
        [
            .text(badge.jti), .text(badge.orgID), .optional(badge.agentID), .text(badge.subject), .text(badge.level),
            .text(badge.ial), .text(badge.kid), .int(badge.issuedAt), .int(badge.expiresAt),
            .text(audienceJSON(badge.audience)), .optional(badge.revokedAt), .optional(badge.revocationReason),
        ]
    }

    /// Same encoding as `insertBadge`: a JSON array of strings.
    private static func audienceJSON(_ audience: [String]) -> String {
        String(decoding: JSONValue.array(audience.map(JSONValue.string)).serialized(), as: UTF8.self)
    }
}
