import BadgeCore
import Registry

extension SQLQueries {
    /// Gives `entries` the next log indices, in order, in the caller's transaction; returns the
    /// first. The credential rows record their index (`badges.log_index`, `dv_grants.log_index`).
    func sequenceLogEntries(_ entries: [LogEntryRecord]) async throws -> Int64 {
        guard !entries.isEmpty else { return try await sequencedLogSize() }
        // The update locks the counter row until the transaction ends (PostgreSQL), so ledger
        // transactions on every replica take consecutive ranges in commit order.
        let rows = try await executor.query(
            "UPDATE tlog_sequence SET next_index = next_index + $1 WHERE id = 1 RETURNING next_index", [.int(Int64(entries.count))]
        )
        guard let next = try rows.first?.int("next_index") else { throw SQLRowError.unexpected("tlog_sequence") }
        let first = next - Int64(entries.count)
        for chunk in entries.statementChunks {
            // A slice keeps the array's indices: each entry's position in `entries` is its offset.
            let binds = zip(chunk.indices, chunk).flatMap { position, entry -> [SQLValue] in
                [.int(first + Int64(position)), .text(entry.jti), .text(entry.subject), .text(entry.type), .text(entry.data)]
            }
            try await executor.query(Self.multiRowInsert("tlog_entries", columns: ["idx", "jti", "subject", "type", "data"], rows: chunk.count), binds)
        }
        return first
    }

    public func sequencedLogSize() async throws -> Int64 {
        guard let row = try await executor.query("SELECT next_index FROM tlog_sequence WHERE id = 1").first else {
            throw SQLRowError.unexpected("tlog_sequence")
        }
        return try row.int("next_index")
    }

    public func logEntries(from start: Int64, limit: Int) async throws -> [SequencedLogEntry] {
        // A closed range, not only a LIMIT: without fresh statistics PostgreSQL guessed a third of
        // the table for `idx >= $1` and sorted a bitmap scan of it every integration round; a
        // bounded range is read in index order.
        let (end, overflow) = start.addingReportingOverflow(Int64(max(0, limit)))
        return try await executor.query(
            "SELECT * FROM tlog_entries WHERE idx >= $1 AND idx < $2 ORDER BY idx", [.int(start), .int(overflow ? .max : end)]
        ).map(Self.logEntry(from:))
    }

    public func logEntries(jti: String) async throws -> [SequencedLogEntry] {
        // Through the credential's own row: the ledger's and the grants' primary keys hold the index.
        try await executor.query(
            """
            SELECT * FROM tlog_entries WHERE jti = $1
            AND idx IN (SELECT log_index FROM badges WHERE jti = $1 UNION ALL SELECT log_index FROM dv_grants WHERE jti = $1)
            ORDER BY idx
            """,
            [.text(jti)]
        ).map(Self.logEntry(from:))
    }

    public func logEntries(subject: String, limit: Int) async throws -> [SequencedLogEntry] {
        try await executor.query(
            "SELECT * FROM tlog_entries WHERE subject = $1 ORDER BY idx LIMIT \(max(0, limit))", [.text(subject)]
        ).map(Self.logEntry(from:))
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

    static func logEntry(from row: SQLRow) throws -> SequencedLogEntry {
        SequencedLogEntry(index: try row.int("idx"), record: LogEntryRecord(
            jti: try row.string("jti"), subject: try row.string("subject"), type: try row.string("type"), data: try row.string("data")
        ))
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
