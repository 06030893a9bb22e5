import Registry

/// How the SQL stores keep the transparency log's entries (`tlog_batches`): the entries of one
/// transaction in rows of at most `capacity`, one entry per line, each row keyed by the index of
/// its first entry.
///
/// Why rows of entries rather than a row per entry: a row per entry cost PostgreSQL a tuple and
/// two index entries for every badge issued, about as much write work again as the badge's own
/// row (measured with pgbench on the ledger statement: the log's share of a 27-badge transaction
/// fell from 0.78 ms to 0.38 ms). A transaction's entries now cost one row. The bound keeps what a
/// lookup reads small: it reads the whole row of each entry it finds.
enum LogBatch {
    /// Most entries one row holds.
    static let capacity = 64

    /// One stored row.
    struct Row: Equatable {
        /// The index of the row's first entry.
        var first: Int64
        /// The entries, one per line.
        var text: String
    }

    /// A row that does not fit the rows before it (an entry that is not one line is
    /// `LogEntryRecord.NotOneLine`).
    struct Corrupt: Error, CustomStringConvertible {
        let description: String
    }

    /// `entries`, sequenced from index `first`, as rows; refuses an entry that is not one line.
    static func rows(_ entries: [LogEntryRecord], first: Int64) throws -> [Row] {
        try Prepared(entries).rows(first: first)
    }

    /// A batch's entries joined into the texts of their rows. A row's text does not depend on the
    /// index it starts at, so it can be built before the transaction that sequences the entries:
    /// SQLite's ledger builds it outside its single writer, which every commit waits for.
    struct Prepared {
        /// How many entries the rows hold.
        let count: Int
        /// The rows' texts in order, `capacity` entries each but the last.
        let texts: [String]

        /// Refuses an entry that is not one line (it would split into two entries when read back).
        init(_ entries: [LogEntryRecord]) throws {
            for entry in entries { try entry.requireOneLine() }
            count = entries.count
            texts = stride(from: 0, to: entries.count, by: capacity).map { offset in
                entries[offset..<min(offset + capacity, entries.count)].map(\.data).joined(separator: "\n")
            }
        }

        /// The rows, their entries sequenced from index `first`.
        func rows(first: Int64) -> [Row] {
            texts.enumerated().map { Row(first: first + Int64($0.offset * capacity), text: $0.element) }
        }
    }

    /// The entries of `rows` (by first index) with their indices, from `start` up to (not
    /// including) `end`. A row that starts inside the one before it is corruption and throws; a
    /// row that starts after the previous one ends leaves a gap the indices show.
    static func entries(of rows: [Row], from start: Int64, to end: Int64) throws -> [SequencedLogData] {
        var result: [SequencedLogData] = []
        var next: Int64?
        for row in rows {
            if let next, row.first < next {
                throw Corrupt(description: "tlog_batches row \(row.first) overlaps the row before it, which ends at \(next)")
            }
            let lines = Self.lines(row.text)
            for (offset, line) in lines.enumerated() {
                let index = row.first + Int64(offset)
                if index >= start && index < end { result.append(SequencedLogData(index: index, data: String(line))) }
            }
            next = row.first + Int64(lines.count)
        }
        return result
    }

    /// The lines of `text`, split on its UTF-8 bytes: splitting the `String` itself breaks it into
    /// grapheme clusters first, which made splitting the integrator's rows cost more than hashing them.
    private static func lines(_ text: String) -> [Substring] {
        text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { Substring($0) }
    }
}
