import Registry

extension SQLStore {
    /// PostgreSQL: writes a ledger batch — its log entries (in rows of `LogBatch`, sequenced from
    /// `first`), its badges (with their log indices) and its audit events — in one statement;
    /// returns the log indices by jti.
    ///
    /// Why one statement: the group commit runs one ledger transaction at a time, so each round trip
    /// inside it (through a server busy answering requests) delays every badge of the batch. As
    /// data-modifying `WITH` clauses the log adds no round trip, and the audit events share the
    /// badges' round trip too.
    ///
    /// Why columns bound as arrays (`ColumnArrays`): the statement's text is then the same for
    /// every batch, so PostgreSQL prepares it once per connection. A `VALUES` list that grew with
    /// the batch was parsed and planned again in every transaction: 5–8 µs a badge, in the serial path.
    ///
    /// `first` is the counter's value, read under the row lock the transaction took in its first
    /// statement (`staleBases`), which it holds until the commit: ledger transactions on every
    /// replica take consecutive ranges in commit order. So every index is a value here, as with the
    /// log off. The counter moves only if it still holds `first`, and the statement fails otherwise.
    static func writeLedger(_ entries: [LedgerEntry], loggingFrom first: Int64, _ tx: any SQLExecutor) async throws -> [String: Int64] {
        let logged = entries.compactMap(\.logEntry)
        let indices = LedgerCommit.indices(of: logged, from: first)
        let records = try ColumnArrays.events.arrays(entries.map { Self.eventBinds($0.event) })
            + ColumnArrays.badges.arrays(entries.map { Self.badgeBinds($0.badge, logIndex: $0.logEntry.flatMap { indices[$0.jti] }) })
        let moved: Int64?
        if logged.isEmpty {
            moved = try await tx.query(UnloggedLedgerStatement.self, records).first?.int("moved")
        } else {
            let rows = try LogBatch.rows(logged, first: first)
            let log: [SQLValue] = [.int(first + Int64(logged.count)), .int(first), .ints(rows.map(\.first)), .texts(rows.map(\.text))]
            moved = try await tx.query(LoggedLedgerStatement.self, log + records).first?.int("moved")
        }
        guard moved == 1 else {
            throw SQLRowError.unexpected("tlog_sequence moved from \(first) under the ledger transaction's lock")
        }
        return indices
    }
}

/// The ledger statement with the log on: `$1` the counter's new value, `$2` its value under the
/// lock, `$3`/`$4` the log rows' first indices and texts, then the audit events' and badges' columns.
enum LoggedLedgerStatement: FixedSQL {
    static let sql = """
        WITH seq AS (UPDATE tlog_sequence SET next_index = $1 WHERE id = 1 AND next_index = $2 RETURNING next_index), \
        logged AS (INSERT INTO tlog_batches (first_idx, entries) SELECT * FROM unnest($3::bigint[], $4::text[])), \
        \(ledgerInserts(firstParameter: 5)) SELECT count(*) AS moved FROM seq
        """
}

/// The ledger statement with nothing to log: the audit events' and badges' columns from `$1`.
enum UnloggedLedgerStatement: FixedSQL {
    static let sql = "WITH \(ledgerInserts(firstParameter: 1)) SELECT 1 AS moved"
}

/// The ledger statement's `events` and `recorded` clauses, their parameters numbered from
/// `firstParameter`.
private func ledgerInserts(firstParameter: Int) -> String {
    let events = ColumnArrays.events, badges = ColumnArrays.badges
    return "events AS (\(events.insert(firstParameter: firstParameter))), "
        + "recorded AS (\(badges.insert(firstParameter: firstParameter + events.columns.count)))"
}
