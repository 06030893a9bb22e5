import Registry

extension SQLStore {
    /// PostgreSQL: writes `chunk` of a ledger batch — its log entries (sequenced, in rows of
    /// `LogBatch`), its badges (with their log indices) and its audit events — in one statement;
    /// returns the log indices by jti.
    ///
    /// Why one statement: the group commit runs one ledger transaction at a time, so each round trip
    /// inside it (through a server busy answering requests) delays every badge of the batch. As
    /// separate statements the log added two round trips to every transaction (eight instead of
    /// six); as data-modifying `WITH` clauses it adds none, and the audit events share the badges'
    /// round trip too (five either way). The counter row stays locked until the commit, as with the
    /// separate statements, so ledger transactions on every replica take consecutive ranges in
    /// commit order.
    static func writeLedgerChunk(_ chunk: ArraySlice<LedgerEntry>, _ tx: any SQLExecutor) async throws -> [String: Int64] {
        var statement = LedgerStatement()
        let logged = chunk.compactMap(\.logEntry)
        var clauses: [String] = []
        if !logged.isEmpty {
            // The count is ours (not input) and is written as a literal, as are the offsets below.
            // Each row's index is the new range's first plus its offset, through one join: a
            // scalar subquery per row cost more to plan than the rows cost to write.
            clauses.append(
                "seq AS (UPDATE tlog_sequence SET next_index = next_index + \(logged.count) WHERE id = 1 RETURNING next_index - \(logged.count) AS first)"
            )
            // The entries go in as rows of `LogBatch`: for each, its first index's offset in the
            // new range (a literal) and its lines (one bind).
            let batches = try LogBatch.rows(logged, first: 0).map { "(\($0.first), \(statement.placeholders([.text($0.text)])))" }
            clauses.append(
                "logged AS (INSERT INTO tlog_batches (first_idx, entries) SELECT seq.first + v.n, v.entries "
                    + "FROM seq CROSS JOIN (VALUES \(batches.joined(separator: ", "))) AS v (n, entries))"
            )
        }
        clauses.append(
            "events AS (INSERT INTO audit_events (\(SQLColumns.event.joined(separator: ", "))) VALUES "
                + chunk.map { "(\(statement.placeholders(Self.eventBinds($0.event))))" }.joined(separator: ", ") + ")"
        )
        let columns = SQLColumns.badge.joined(separator: ", ")
        if logged.isEmpty {
            let rows = chunk.map { "(\(statement.placeholders(Self.badgeBinds($0.badge, logIndex: nil))))" }
            clauses.append("recorded AS (INSERT INTO badges (\(columns)) VALUES \(rows.joined(separator: ", ")))")
        } else {
            var offset = 0
            // Every badge column but the last, `log_index`, comes from the row's values.
            let valueColumns = SQLColumns.typedBadge.dropLast()
            let types = valueColumns.map(\.type)
            let rows = chunk.enumerated().map { position, entry in
                // `badgeBinds` ends with the log index; here it is the row's offset in the new range.
                let values = Array(Self.badgeBinds(entry.badge, logIndex: nil).dropLast())
                // A VALUES column takes its type from all its rows, so casting the first row's
                // values types the column (a NULL bind has no type of its own). A cast on every row
                // made the statement dearer for PostgreSQL to parse than the log rows cost to write.
                var row = statement.placeholders(values, casts: position == 0 ? types : nil)
                if entry.logEntry != nil {
                    row += ", \(offset)"
                    offset += 1
                } else {
                    row += ", NULL::integer"
                }
                return "(\(row))"
            }
            let names = valueColumns.map(\.name)
            clauses.append(
                "recorded AS (INSERT INTO badges (\(columns)) SELECT \(names.map { "v." + $0 }.joined(separator: ", ")), seq.first + v.n "
                    + "FROM seq CROSS JOIN (VALUES \(rows.joined(separator: ", "))) AS v (\(names.joined(separator: ", ")), n))"
            )
        }
        let sql = "WITH " + clauses.joined(separator: ", ") + (logged.isEmpty ? " SELECT 0 AS first" : " SELECT first FROM seq")
        let rows = try await tx.query(sql, statement.binds)
        guard !logged.isEmpty else { return [:] }
        guard let first = try rows.first?.int("first") else { throw SQLRowError.unexpected("tlog_sequence") }
        return LedgerCommit.indices(of: logged, from: first)
    }
}

/// The binds of one generated statement, numbered as they are added.
private struct LedgerStatement {
    private(set) var binds: [SQLValue] = []

    /// `$n, …` for `values`, which are added to the binds; with `casts`, each placeholder is cast
    /// to the type at its position.
    mutating func placeholders(_ values: [SQLValue], casts: [String]? = nil) -> String {
        values.enumerated().map { position, value in
            binds.append(value)
            return casts.map { "$\(binds.count)::\($0[position])" } ?? "$\(binds.count)"
        }.joined(separator: ", ")
    }
}
