import BadgeCore
import Registry

extension SQLQueries {
    /// `SQLColumns.badge`'s values: the badge and its transparency log index, kept on the row so
    /// that a proof is found by jti through the ledger's primary key (the log's own table has no
    /// jti index: one index less for every issuance to maintain).
    static func badgeBinds(_ badge: BadgeRecord, logIndex: Int64?) -> [SQLValue] {
        [
            .text(badge.jti), .text(badge.orgID), .optional(badge.agentID), .text(badge.subject), .text(badge.level),
            .text(badge.ial), .text(badge.kid), .int(badge.issuedAt), .int(badge.expiresAt),
            .text(Self.audienceText(badge.audience)), .optional(badge.revokedAt), .optional(badge.revocationReason),
            .optional(logIndex),
        ]
    }

    public func insertBadge(_ badge: BadgeRecord, logEntry: LogEntryRecord?) async throws -> Int64? {
        var logIndex: Int64?
        if let logEntry { logIndex = try await sequenceLogEntries(try LogBatch.Prepared([logEntry])) }
        try await executor.query(Self.multiRowInsert("badges", columns: SQLColumns.badge, rows: 1), Self.badgeBinds(badge, logIndex: logIndex))
        return logIndex
    }

    /// The jtis of entries whose basis no longer holds, read inside the ledger transaction: two
    /// statements for the whole batch, however many entries carry a basis.
    ///
    /// With `lockingLogCounter` (PostgreSQL, when the batch logs anything) the first statement
    /// also locks the transparency log's counter row until the commit and reads the next index,
    /// so the ledger statement writes every index as a value (see `writeLedger`). Read with
    /// the agents' revisions, the lock costs no round trip of its own.
    static func staleBases(
        of entries: [LedgerEntry], _ tx: any SQLExecutor, lockingLogCounter: Bool = false
    ) async throws -> (stale: Set<String>, nextLogIndex: Int64?) {
        let based = entries.compactMap { entry in entry.basis.map { (badge: entry.badge, basis: $0) } }
        let agentIDs = Array(Set(based.map(\.basis.agent.id)))
        // Revisions, not whole rows: every stored change raises it, so an unchanged revision is an
        // unchanged row, and the hot ledger transaction decodes no agent (nor its card's JSON).
        var revisions: [String: Int64] = [:]
        var nextLogIndex: Int64?
        if lockingLogCounter {
            let rows = based.isEmpty
                ? try await tx.query(LockedLogCounter.self, [])
                : try await tx.query(LockedLogCounterAndAgentRevisions.self, ids: agentIDs)
            for row in rows {
                nextLogIndex = try row.int("next_index")
                if let id = try row.optionalString("id") { revisions[id] = try row.int("revision") }
            }
            guard nextLogIndex != nil else { throw SQLRowError.unexpected("tlog_sequence") }
        } else if !based.isEmpty {
            for row in try await tx.query(AgentRevisions.self, ids: agentIDs) {
                revisions[try row.string("id")] = try row.int("revision")
            }
        }
        guard !based.isEmpty else { return ([], nextLogIndex) }
        let keyIDs = Array(Set(based.compactMap(\.basis.apiKeyID)))
        var keyExpiry: [String: Int64?] = [:]
        if !keyIDs.isEmpty {
            for row in try await tx.query(UnrevokedKeyExpiries.self, ids: keyIDs) {
                keyExpiry[try row.string("id")] = try row.optionalInt("expires_at")
            }
        }
        var stale: Set<String> = []
        for (badge, basis) in based {
            // A key holds when it is unrevoked and not expired at the badge's issue time.
            let keyHolds = basis.apiKeyID.map { id in
                keyExpiry[id].map { expiry in expiry.map { badge.issuedAt < $0 } ?? true } ?? false
            } ?? true
            if revisions[basis.agent.id] != basis.agent.revision || !keyHolds { stale.insert(badge.jti) }
        }
        return (stale, nextLogIndex)
    }

    /// `INSERT INTO table (columns) VALUES ($1, …), (…)` for `rows` rows.
    static func multiRowInsert(_ table: String, columns: [String], rows: Int) -> String {
        var sql = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
        sql.reserveCapacity(sql.utf8.count + rows * columns.count * 6)
        var index = 0
        for row in 0..<rows {
            sql += row == 0 ? "(" : ", ("
            for column in 0..<columns.count {
                index += 1
                sql += column == 0 ? "$\(index)" : ", $\(index)"
            }
            sql += ")"
        }
        return sql
    }

    public func badges(jtis: [String]) async throws -> [BadgeRecord] {
        guard !jtis.isEmpty else { return [] }
        return try await executor.query(BadgesByJTI.self, ids: jtis).map(Self.badge(from:))
    }

    public func badgesWithSubjectAgents(jtis: [String]) async throws -> [String: (badge: BadgeRecord, agents: [SubjectAgent])] {
        guard !jtis.isEmpty else { return [:] }
        let rows = try await executor.query(BadgesWithSubjectAgentsByJTI.self, ids: jtis)
        var result: [String: (badge: BadgeRecord, agents: [SubjectAgent])] = [:]
        for row in rows {
            let jti = try row.string("jti")
            if result[jti] == nil { result[jti] = (try Self.badge(from: row), []) }
            guard let id = try row.optionalString("subject_agent_id") else { continue }
            guard let status = AgentStatus(rawValue: try row.string("subject_agent_status")) else { throw SQLRowError.unexpected("subject_agent_status") }
            result[jti]?.agents.append(SubjectAgent(id: id, did: try row.optionalString("subject_agent_did"), status: status))
        }
        return result
    }

    public func revokeBadge(jti: String, orgID: String, reason: String?, at: Int64) async throws -> BadgeRecord? {
        // `revoked_at IS NULL` keeps the first revocation; the read below answers for both cases.
        try await executor.query(
            "UPDATE badges SET revoked_at = $1, revocation_reason = $2 WHERE jti = $3 AND org_id = $4 AND revoked_at IS NULL",
            [.int(at), .optional(reason), .text(jti), .text(orgID)]
        )
        return try await executor.query(
            "SELECT * FROM badges WHERE jti = $1 AND org_id = $2", [.text(jti), .text(orgID)]
        ).first.map(Self.badge(from:))
    }

    public func revocations(since: Int64?, after cursor: RevocationCursor?, limit: Int?) async throws -> [BadgeRecord] {
        var sql = "SELECT * FROM badges WHERE revoked_at IS NOT NULL"
        var binds: [SQLValue] = []
        if let since {
            binds.append(.int(since))
            sql += " AND revoked_at >= $\(binds.count)"
        }
        if let cursor {
            binds += [.int(cursor.revokedAt), .text(cursor.jti)]
            let time = "$\(binds.count - 1)", jti = "$\(binds.count)"
            sql += " AND (revoked_at > \(time) OR (revoked_at = \(time) AND jti > \(jti)))"
        }
        sql += " ORDER BY revoked_at, jti"
        if let limit {
            sql += " LIMIT \(max(0, limit))"
        }
        return try await executor.query(sql, binds).map(Self.badge(from:))
    }

    /// The audience as a JSON array: unlike a joined string it keeps entries with spaces and
    /// tells `[]` from `[""]`.
    static func audienceText(_ audience: [String]) -> String {
        String(decoding: JSONValue.array(audience.map(JSONValue.string)).serialized(), as: UTF8.self)
    }

    static func audience(fromText text: String) throws -> [String] {
        guard case .array(let items)? = try? JSONValue.parse(Array(text.utf8)) else { throw SQLRowError.unexpected("audience") }
        return try items.map { item in
            guard case .string(let value) = item else { throw SQLRowError.unexpected("audience") }
            return value
        }
    }

    static func badge(from row: SQLRow) throws -> BadgeRecord {
        BadgeRecord(
            jti: try row.string("jti"), orgID: try row.string("org_id"), agentID: try row.optionalString("agent_id"),
            subject: try row.string("subject"), level: try row.string("level"), ial: try row.string("ial"),
            kid: try row.string("kid"), issuedAt: try row.int("issued_at"), expiresAt: try row.int("expires_at"),
            audience: try audience(fromText: try row.string("audience")), revokedAt: try row.optionalInt("revoked_at"),
            revocationReason: try row.optionalString("revocation_reason")
        )
    }
}

extension SQLStore {
    public func insertBadges(_ entries: [LedgerEntry]) async throws -> LedgerCommit {
        try await Self.insertBadges(entries, in: database)
    }

    /// One transaction of `insertBadges`, on `database` (the group commit runs it without a store).
    static func insertBadges(_ entries: [LedgerEntry], in database: any SQLDatabase) async throws -> LedgerCommit {
        guard !entries.isEmpty else { return LedgerCommit() }
        // SQLite runs the transaction on its single writer, which every commit waits for: the log
        // rows' texts are built here, before it, for the batch as it came.
        let prepared = database.dialect == .sqlite ? try LogBatch.Prepared(entries.compactMap(\.logEntry)) : nil
        return try await database.transaction { tx in
            let postgres = tx.dialect == .postgres
            let (stale, nextLogIndex) = try await Self.staleBases(
                of: entries, tx, lockingLogCounter: postgres && entries.contains { $0.logEntry != nil }
            )
            let kept = stale.isEmpty ? entries : entries.filter { !stale.contains($0.badge.jti) }
            if postgres {
                let logIndices = kept.isEmpty ? [:] : try await Self.writeLedger(kept, loggingFrom: nextLogIndex ?? 0, tx)
                return LedgerCommit(stale: stale, logIndices: logIndices)
            }
            // SQLite: in-process statements cost no round trip. Sequenced first, so each badge row
            // is written with its index.
            let logEntries = kept.compactMap(\.logEntry)
            // Built again only when a stale entry took log entries out of the batch.
            let batch = try prepared.flatMap { $0.count == logEntries.count ? $0 : nil } ?? LogBatch.Prepared(logEntries)
            let logIndices = logEntries.isEmpty
                ? [:] : LedgerCommit.indices(of: logEntries, from: try await SQLStatements(executor: tx).sequenceLogEntries(batch))
            for chunk in kept.statementChunks {
                try await tx.query(
                    Self.multiRowInsert("badges", columns: SQLColumns.badge, rows: chunk.count),
                    chunk.flatMap { Self.badgeBinds($0.badge, logIndex: logIndices[$0.badge.jti]) }
                )
                try await tx.query(Self.multiRowInsert("audit_events", columns: SQLColumns.event, rows: chunk.count), chunk.flatMap { Self.eventBinds($0.event) })
            }
            return LedgerCommit(stale: stale, logIndices: logIndices)
        }
    }
}

/// The badges named (the batched reads behind status and verification).
enum BadgesByJTI: IDListSQL {
    static func sql(ids: String) -> String { "SELECT \(SQLColumns.badge.joined(separator: ", ")) FROM badges WHERE jti \(ids)" }
}

/// The badges named, each with the agents that may be its subject (by DID or by id).
enum BadgesWithSubjectAgentsByJTI: IDListSQL {
    static func sql(ids: String) -> String {
        """
        SELECT \(SQLColumns.badge.map { "b." + $0 }.joined(separator: ", ")), \
        a.id AS subject_agent_id, a.did AS subject_agent_did, a.status AS subject_agent_status \
        FROM badges b LEFT JOIN agents a ON a.did = b.subject OR a.id = b.agent_id WHERE b.jti \(ids)
        """
    }
}
