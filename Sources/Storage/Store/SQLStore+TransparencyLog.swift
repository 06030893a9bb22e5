import BadgeCore
import Registry

extension SQLQueries {
    /// Gives `batch`'s entries the next log indices, in order, in the caller's transaction; returns
    /// the first. The credential rows record their index (`badges.log_index`, `dv_grants.log_index`).
    func sequenceLogEntries(_ batch: LogBatch.Prepared) async throws -> Int64 {
        guard batch.count > 0 else { return try await sequencedLogSize() }
        let first: Int64
        // SQLite's rows count their entries (migration 19); PostgreSQL's counter row keeps the count.
        let counted = executor.dialect != .postgres
        if counted {
            // SQLite has one writer, and this runs in its transaction: the next index is where the
            // last row ends, so no counter row costs every commit a statement and a page written.
            first = try await sequencedLogSize()
        } else {
            // The update locks the counter row until the transaction ends, so ledger transactions
            // on every replica take consecutive ranges in commit order.
            let updated = try await executor.query(
                "UPDATE tlog_sequence SET next_index = next_index + $1 WHERE id = 1 RETURNING next_index", [.int(Int64(batch.count))]
            )
            guard let next = try updated.first?.int("next_index") else { throw SQLRowError.unexpected("tlog_sequence") }
            first = next - Int64(batch.count)
        }
        let end = first + Int64(batch.count)
        let columns = ["first_idx", "entries"] + (counted ? ["entry_count"] : [])
        for chunk in batch.rows(first: first).statementChunks {
            try await executor.query(
                Self.multiRowInsert("tlog_batches", columns: columns, rows: chunk.count),
                chunk.flatMap { row in
                    // Every row holds `capacity` entries but the last, which holds the rest.
                    [SQLValue.int(row.first), .text(row.text)] + (counted ? [.int(min(Int64(LogBatch.capacity), end - row.first))] : [])
                }
            )
        }
        return first
    }

    public func sequencedLogSize() async throws -> Int64 {
        guard executor.dialect == .postgres else {
            // SQLite: where the last row of entries ends (0 for an empty log).
            let row = try await executor.query("SELECT first_idx + entry_count AS next_index FROM tlog_batches ORDER BY first_idx DESC LIMIT 1").first
            return try row?.int("next_index") ?? 0
        }
        guard let row = try await executor.query("SELECT next_index FROM tlog_sequence WHERE id = 1").first else {
            throw SQLRowError.unexpected("tlog_sequence")
        }
        return try row.int("next_index")
    }

    public func logEntries(from start: Int64, limit: Int) async throws -> [SequencedLogData] {
        let (end, overflow) = start.addingReportingOverflow(Int64(max(0, limit)))
        let bound = overflow ? Int64.max : end
        // The row holding `start` begins at or before it; a closed range of first indices, read in
        // primary-key order.
        let rows = try await executor.query(
            """
            SELECT first_idx, entries FROM tlog_batches
            WHERE first_idx >= COALESCE((SELECT MAX(first_idx) FROM tlog_batches WHERE first_idx <= $1), 0) AND first_idx < $2
            ORDER BY first_idx
            """,
            [.int(start), .int(bound)]
        )
        return try LogBatch.entries(of: rows.map(Self.logBatchRow(from:)), from: start, to: bound)
    }

    public func logEntries(jti: String) async throws -> [SequencedLogEntry] {
        // Through the credential's own row: the ledger's and the grants' primary keys hold the index.
        try await loggedCredentials(
            """
            SELECT log_index, jti, subject, 'badge' AS type FROM badges WHERE jti = $1 AND log_index IS NOT NULL
            UNION ALL
            SELECT log_index, jti, domain AS subject, 'dv_grant' AS type FROM dv_grants WHERE jti = $1 AND log_index IS NOT NULL
            """,
            [.text(jti)]
        )
    }

    public func logEntries(subject: String, limit: Int) async throws -> [SequencedLogEntry] {
        let limit = max(0, limit)
        guard executor.dialect == .postgres else {
            // SQLite: integration records the subjects of the entries it takes in (`tlog_subjects`,
            // keyed by subject and index), so lookups by subject find integrated entries.
            return try await loggedCredentials(
                "SELECT idx AS log_index, jti, subject, type FROM tlog_subjects WHERE subject = $1 ORDER BY idx LIMIT \(limit)",
                [.text(subject)],
                limit: limit
            )
        }
        // PostgreSQL: a badge's subject through `badges_log_subject_hash` (logged rows only, by
        // the subject's hash and then the subject), which the ledger statement maintains; a
        // grant's subject is its domain. Each side is limited before the union, in index order.
        return try await loggedCredentials(
            """
            SELECT * FROM (
                SELECT log_index, jti, subject, 'badge' AS type FROM badges
                WHERE hashtext(subject) = hashtext($1) AND subject = $1 AND log_index IS NOT NULL ORDER BY log_index LIMIT \(limit)
            ) AS b
            UNION ALL
            SELECT * FROM (
                SELECT log_index, jti, domain AS subject, 'dv_grant' AS type FROM dv_grants
                WHERE domain = $1 AND log_index IS NOT NULL ORDER BY log_index LIMIT \(limit)
            ) AS g
            """,
            [.text(subject)],
            limit: limit
        )
    }

    /// PostgreSQL's ledger statement indexes each logged badge by its subject's hash, in the row it
    /// writes anyway: an index entry, cheaper in all than a row of another table. Its grants are
    /// found through `dv_grants_domain`.
    public var recordsLogSubjects: Bool { executor.dialect != .postgres }

    public func indexLogSubjects(_ entries: [SequencedLogEntry]) async throws {
        guard recordsLogSubjects else { return }
        for chunk in entries.statementChunks {
            try await executor.query(
                Self.multiRowInsert("tlog_subjects", columns: ["subject", "idx", "jti", "type"], rows: chunk.count)
                    + " ON CONFLICT (subject, idx) DO NOTHING",
                chunk.flatMap { [SQLValue.text($0.record.subject), .int($0.index), .text($0.record.jti), .text($0.record.type)] }
            )
        }
    }

    /// The entries of the credentials `credentials` selects (`log_index`, `jti`, `subject`,
    /// `type`), by index, at most `limit`: each with its bytes from the row that holds its index,
    /// every such row read and split once.
    private func loggedCredentials(_ credentials: String, _ binds: [SQLValue], limit: Int = .max) async throws -> [SequencedLogEntry] {
        let found = try await executor.query(
            """
            SELECT c.log_index, c.jti, c.subject, c.type,
                (SELECT MAX(first_idx) FROM tlog_batches WHERE first_idx <= c.log_index) AS batch
            FROM (\(credentials)) AS c ORDER BY c.log_index
            """,
            binds
        ).prefix(limit)
        guard !found.isEmpty else { return [] }
        let firsts = Array(Set(try found.map { try $0.int("batch") }))
        let list = firsts.indices.map { "$\($0 + 1)" }.joined(separator: ", ")
        let rows = try await executor.query(
            "SELECT first_idx, entries FROM tlog_batches WHERE first_idx IN (\(list)) ORDER BY first_idx", firsts.map(SQLValue.int)
        )
        // `entries` throws on overlapping rows, so each index occurs once.
        let data = Dictionary(uniqueKeysWithValues: try LogBatch.entries(of: rows.map(Self.logBatchRow(from:)), from: .min, to: .max).map { ($0.index, $0.data) })
        return try found.map { row in
            let index = try row.int("log_index")
            guard let bytes = data[index] else { throw SQLRowError.unexpected("tlog_batches holds no entry \(index)") }
            return SequencedLogEntry(index: index, record: LogEntryRecord(
                jti: try row.string("jti"), subject: try row.string("subject"), type: try row.string("type"), data: bytes
            ))
        }
    }

    public func logTile(level: Int, index: Int64) async throws -> [UInt8]? {
        guard let row = try await executor.query(
            "SELECT hashes FROM tlog_tiles WHERE level = $1 AND idx = $2", [.int(Int64(level)), .int(index)]
        ).first else { return nil }
        // Tiles are stored as base64 text: the schema keeps to types both databases share.
        guard let bytes = Base64Std.decode(try row.string("hashes")) else { throw SQLRowError.unexpected("hashes") }
        return bytes
    }

    public func putLogTiles(_ tiles: [StoredLogTile]) async throws {
        for tile in tiles {
            try await executor.query(
                """
                INSERT INTO tlog_tiles (level, idx, hashes) VALUES ($1, $2, $3)
                ON CONFLICT (level, idx) DO UPDATE SET hashes = excluded.hashes
                """,
                [.int(Int64(tile.level)), .int(tile.index), .text(Base64Std.encode(tile.hashes))]
            )
        }
    }

    public func latestLogCheckpoint() async throws -> StoredCheckpoint? {
        try await executor.query("SELECT * FROM tlog_checkpoints ORDER BY size DESC LIMIT 1").first.map { row in
            StoredCheckpoint(size: try row.int("size"), note: try row.string("note"), createdAt: try row.int("created_at"))
        }
    }

    public func insertLogCheckpoint(_ checkpoint: StoredCheckpoint) async throws {
        try await executor.query(
            "INSERT INTO tlog_checkpoints (size, note, created_at) VALUES ($1, $2, $3)",
            [.int(checkpoint.size), .text(checkpoint.note), .int(checkpoint.createdAt)]
        )
    }

    static func logBatchRow(from row: SQLRow) throws -> LogBatch.Row {
        LogBatch.Row(first: try row.int("first_idx"), text: try row.string("entries"))
    }
}

extension SQLStore {
    /// Advisory lock naming log integration ("TLOG" in ASCII); distinct from the other locks.
    static let logIntegrationLock: Int64 = 0x544C_4F47

    public func withLogIntegrationLock<T: Sendable>(_ body: @Sendable (any StoreTransaction) async throws -> T) async throws -> T {
        try await database.transaction(lock: Self.logIntegrationLock) { tx in
            try await body(SQLStatements(executor: tx))
        }
    }
}
