import Registry

extension MemoryState {
    /// Appends `entry` to the log; returns its index. Refuses an entry that is not one line, as
    /// the SQL stores do (they keep entries one per line).
    mutating func sequence(_ entry: LogEntryRecord) throws -> Int64 {
        try entry.requireOneLine()
        logEntries.append(entry)
        return Int64(logEntries.count - 1)
    }
}

extension MemoryQueries {
    public func sequencedLogSize() async throws -> Int64 {
        try await memory.read { Int64($0.logEntries.count) }
    }

    public func logEntries(from start: Int64, limit: Int) async throws -> [SequencedLogData] {
        try await memory.read { state in
            // Indices from `start` up to (not including) `start + limit`, as far as they exist.
            let count = Int64(state.logEntries.count)
            let (bound, overflow) = start.addingReportingOverflow(Int64(max(0, limit)))
            let first = min(max(0, start), count)
            let end = max(first, overflow ? count : min(bound, count))
            return (Int(first)..<Int(end)).map { SequencedLogData(index: Int64($0), data: state.logEntries[$0].data) }
        }
    }

    public func logEntries(jti: String) async throws -> [SequencedLogEntry] {
        try await memory.read { state in Self.sequenced(state) { $0.jti == jti } }
    }

    public func logEntries(subject: String, limit: Int) async throws -> [SequencedLogEntry] {
        try await memory.read { state in
            // The recorded fields with the sequenced entry's bytes, as the SQL stores join them.
            (state.logSubjects[subject] ?? [:]).sorted { $0.key < $1.key }.prefix(max(0, limit)).map { index, record in
                var record = record
                record.data = state.logEntries[Int(index)].data
                return SequencedLogEntry(index: index, record: record)
            }
        }
    }

    /// Like SQLite's store: lookups by subject see what integration recorded.
    public var recordsLogSubjects: Bool { true }

    public func indexLogSubjects(_ entries: [SequencedLogEntry]) async throws {
        try await memory.write { state in
            for entry in entries where state.logEntries.indices.contains(Int(entry.index)) && state.logSubjects[entry.record.subject]?[entry.index] == nil {
                state.logSubjects[entry.record.subject, default: [:]][entry.index] = entry.record
            }
        }
    }

    private static func sequenced(_ state: MemoryState, where matches: (LogEntryRecord) -> Bool) -> [SequencedLogEntry] {
        state.logEntries.enumerated().filter { matches($0.element) }.map { SequencedLogEntry(index: Int64($0.offset), record: $0.element) }
    }

    public func logTile(level: Int, index: Int64) async throws -> [UInt8]? {
        try await memory.read { $0.logTiles[LogTileKey(level: level, index: index)] }
    }

    public func putLogTiles(_ tiles: [StoredLogTile]) async throws {
        try await memory.write { state in
            for tile in tiles { state.logTiles[LogTileKey(level: tile.level, index: tile.index)] = tile.hashes }
        }
    }

    public func latestLogCheckpoint() async throws -> StoredCheckpoint? {
        try await memory.read { state in state.logCheckpoints.max { $0.key < $1.key }?.value }
    }

    public func insertLogCheckpoint(_ checkpoint: StoredCheckpoint) async throws {
        try await memory.write { state in
            try state.unique("tlog_checkpoints.size", state.logCheckpoints[checkpoint.size] != nil)
            state.logCheckpoints[checkpoint.size] = checkpoint
        }
    }
}

extension InMemoryStore {
    /// The store's transactions already exclude each other: one writer at a time.
    public func withLogIntegrationLock<T: Sendable>(_ body: @Sendable (any StoreTransaction) async throws -> T) async throws -> T {
        try await inTransaction(body)
    }
}
