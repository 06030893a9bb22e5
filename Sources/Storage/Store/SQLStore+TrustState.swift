import Registry

extension SQLQueries {
    public func recordTrustChanges(_ changes: [TrustChange], at: Int64) async throws -> TrustSequence {
        // The update locks the counter row until the transaction ends (PostgreSQL; SQLite has one
        // writer), so changes on every replica take consecutive numbers in commit order.
        let rows = try await executor.query(
            """
            UPDATE trust_sequence SET sequence = sequence + 1, cutoff = CASE WHEN cutoff > $1 THEN cutoff ELSE $1 END
            WHERE id = 1 RETURNING sequence, cutoff
            """,
            [.int(at)]
        )
        guard let row = rows.first else { throw SQLRowError.unexpected("trust_sequence") }
        let sequence = TrustSequence(sequence: try row.int("sequence"), cutoff: try row.int("cutoff"))
        let unique = TrustChange.lastPerKey(changes)
        for chunk in unique.statementChunks {
            try await executor.query(
                Self.multiRowInsert("trust_changes", columns: ["sequence", "kind", "ref", "status", "at", "cutoff"], rows: chunk.count),
                chunk.flatMap { change -> [SQLValue] in
                    [.int(sequence.sequence), .text(change.kind.rawValue), .text(change.ref), .text(change.status), .int(change.at), .int(sequence.cutoff)]
                }
            )
        }
        return sequence
    }

    public func recordTrustBaseline(at: Int64) async throws -> TrustSequence? {
        guard try await trustSequence().sequence == 0 else { return nil }
        let keys = try await caKeys().compactMap { key -> TrustChange? in
            key.state == .prepared ? nil : .caKey(kid: key.kid, state: key.state, at: key.retiredAt ?? key.activatedAt ?? key.createdAt)
        }
        let unusable = try await executor.query(
            "SELECT id, status, disabled_at, updated_at FROM agents WHERE status IN ('disabled', 'suspended')"
        ).map { row in
            TrustChange(kind: .agent, ref: try row.string("id"), status: try row.string("status"), at: try row.optionalInt("disabled_at") ?? row.int("updated_at"))
        }
        let deleted = try await executor.query(
            """
            SELECT DISTINCT agent_id FROM badges WHERE agent_id IS NOT NULL AND expires_at > $1
            AND agent_id NOT IN (SELECT id FROM agents)
            """,
            [.int(at)]
        ).map { TrustChange.agentDeleted(id: try $0.string("agent_id"), at: 0) }
        let changes = keys + unusable + deleted
        return changes.isEmpty ? nil : try await recordTrustChanges(changes, at: at)
    }

    public func trustSequence() async throws -> TrustSequence {
        guard let row = try await executor.query("SELECT sequence, cutoff FROM trust_sequence WHERE id = 1").first else {
            throw SQLRowError.unexpected("trust_sequence")
        }
        return TrustSequence(sequence: try row.int("sequence"), cutoff: try row.int("cutoff"))
    }

    public func trustJournal(from: Int64, through: Int64) async throws -> [TrustJournalEntry] {
        try await executor.query(
            "SELECT * FROM trust_changes WHERE sequence >= $1 AND sequence <= $2", [.int(from), .int(through)]
        ).map { row in
            TrustJournalEntry(sequence: TrustSequence(sequence: try row.int("sequence"), cutoff: try row.int("cutoff")), change: try Self.trustChange(from: row))
        }.sorted { ($0.sequence.sequence, $0.change.kind.rawValue, $0.change.ref) < ($1.sequence.sequence, $1.change.kind.rawValue, $1.change.ref) }
    }

    public func latestTrustStatuses(through: Int64) async throws -> [TrustChange] {
        try await executor.query(
            """
            SELECT t.* FROM trust_changes t JOIN (
                SELECT kind, ref, MAX(sequence) AS latest FROM trust_changes
                WHERE kind IN ('agent', 'ca_key') AND sequence <= $1 GROUP BY kind, ref
            ) l ON t.kind = l.kind AND t.ref = l.ref AND t.sequence = l.latest
            """,
            [.int(through)]
        ).map(Self.trustChange(from:))
    }

    public func revokedBadges(through: Int64, expiringAfter cutoff: Int64) async throws -> [BadgeRecord] {
        try await executor.query(
            """
            SELECT * FROM badges WHERE revoked_at IS NOT NULL AND expires_at > $1
            AND jti NOT IN (SELECT ref FROM trust_changes WHERE kind = 'revocation' AND sequence > $2)
            """,
            [.int(cutoff), .int(through)]
        ).map(Self.badge(from:))
    }

    public func badgeSubjects(agentIDs: [String], at cutoff: Int64) async throws -> [String: Set<String>] {
        var subjects: [String: Set<String>] = [:]
        for chunk in agentIDs.statementChunks {
            let placeholders = (0..<chunk.count).map { "$\($0 + 2)" }.joined(separator: ", ")
            let rows = try await executor.query(
                "SELECT DISTINCT agent_id, subject FROM badges WHERE agent_id IN (\(placeholders)) AND expires_at > $1",
                [.int(cutoff)] + chunk.map(SQLValue.text)
            )
            for row in rows { subjects[try row.string("agent_id"), default: []].insert(try row.string("subject")) }
        }
        return subjects
    }

    public func latestBadgeExpiry(kids: [String], at cutoff: Int64) async throws -> [String: Int64] {
        guard !kids.isEmpty else { return [:] }
        let placeholders = (0..<kids.count).map { "$\($0 + 2)" }.joined(separator: ", ")
        let rows = try await executor.query(
            "SELECT kid, MAX(expires_at) AS until FROM badges WHERE kid IN (\(placeholders)) AND expires_at > $1 AND issued_at <= $1 GROUP BY kid",
            [.int(cutoff)] + kids.map(SQLValue.text)
        )
        return Dictionary(try rows.map { (try $0.string("kid"), try $0.int("until")) }, uniquingKeysWith: max)
    }

    static func trustChange(from row: SQLRow) throws -> TrustChange {
        guard let kind = TrustChange.Kind(rawValue: try row.string("kind")) else { throw SQLRowError.unexpected("kind") }
        return TrustChange(kind: kind, ref: try row.string("ref"), status: try row.string("status"), at: try row.int("at"))
    }
}
