import Registry

extension SQLStore {
    /// PostgreSQL: writes `chunk` of a ledger batch — its log entries (in rows of `LogBatch`,
    /// sequenced from `first`), its badges (with their log indices) and its audit events — in one
    /// statement; returns the log indices by jti.
    ///
    /// Why one statement: the group commit runs one ledger transaction at a time, so each round trip
    /// inside it (through a server busy answering requests) delays every badge of the batch. As
    /// data-modifying `WITH` clauses the log adds no round trip, and the audit events share the
    /// badges' round trip too.
    ///
    /// `first` is the counter's value, read under the row lock the transaction took in its first
    /// statement (`staleBases`), which it holds until the commit: ledger transactions on every
    /// replica take consecutive ranges in commit order. So every index is a value here, and the
    /// badges are inserted from a plain `VALUES` list, as with the log off: computing them in the
    /// statement from the counter's update (a join of the rows with it) had doubled PostgreSQL's
    /// planning time for the statement. The counter moves only if it still holds `first`, and the
    /// statement fails otherwise.
    static func writeLedgerChunk(_ chunk: ArraySlice<LedgerEntry>, loggingFrom first: Int64, _ tx: any SQLExecutor) async throws -> [String: Int64] {
        var statement = LedgerStatement()
        let logged = chunk.compactMap(\.logEntry)
        let indices = LedgerCommit.indices(of: logged, from: first)
        var clauses: [String] = []
        if !logged.isEmpty {
            let (next, current) = (statement.placeholder(.int(first + Int64(logged.count))), statement.placeholder(.int(first)))
            clauses.append("seq AS (UPDATE tlog_sequence SET next_index = \(next) WHERE id = 1 AND next_index = \(current) RETURNING next_index)")
            let batches = try LogBatch.rows(logged, first: first).map { "(\(statement.placeholders([.int($0.first), .text($0.text)])))" }
            clauses.append("logged AS (INSERT INTO tlog_batches (first_idx, entries) VALUES \(batches.joined(separator: ", ")))")
        }
        clauses.append(
            "events AS (INSERT INTO audit_events (\(SQLColumns.event.joined(separator: ", "))) VALUES "
                + chunk.map { "(\(statement.placeholders(Self.eventBinds($0.event))))" }.joined(separator: ", ") + ")"
        )
        let rows = chunk.map { "(\(statement.placeholders(Self.badgeBinds($0.badge, logIndex: $0.logEntry.flatMap { indices[$0.jti] }))))" }
        clauses.append("recorded AS (INSERT INTO badges (\(SQLColumns.badge.joined(separator: ", "))) VALUES \(rows.joined(separator: ", ")))")
        let sql = "WITH " + clauses.joined(separator: ", ") + (logged.isEmpty ? " SELECT 1 AS moved" : " SELECT count(*) AS moved FROM seq")
        guard try await tx.query(sql, statement.binds).first?.int("moved") == 1 else {
            throw SQLRowError.unexpected("tlog_sequence moved from \(first) under the ledger transaction's lock")
        }
        return indices
    }
}

/// The binds of one generated statement, numbered as they are added.
private struct LedgerStatement {
    private(set) var binds: [SQLValue] = []

    /// `$n` for `value`, which is added to the binds.
    mutating func placeholder(_ value: SQLValue) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    /// `$n, …` for `values`, which are added to the binds.
    mutating func placeholders(_ values: [SQLValue]) -> String {
        values.map { placeholder($0) }.joined(separator: ", ")
    }
}
