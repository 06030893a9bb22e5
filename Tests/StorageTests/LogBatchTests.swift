import Registry
@testable import Storage
import Testing

/// `LogBatch`: how the SQL stores pack a transaction's log entries into rows and read them back.
@Suite struct LogBatchTests {
    static func entries(_ count: Int) -> [LogEntryRecord] {
        (0..<count).map { LogEntryRecord(jti: "j\($0)", subject: "s", type: "badge", data: #"{"n":\#($0)}"#) }
    }

    @Test func rowsHoldAtMostCapacityEntriesKeyedByTheirFirstIndex() throws {
        let rows = try LogBatch.rows(Self.entries(130), first: 1_000)
        #expect(rows.map(\.first) == [1_000, 1_064, 1_128])
        #expect(rows.map { $0.text.split(separator: "\n").count } == [64, 64, 2])
        #expect(rows[2].text == #"{"n":128}"# + "\n" + #"{"n":129}"#)
        #expect(try LogBatch.rows([], first: 5).isEmpty)
    }

    @Test func preparedTextsDoNotDependOnTheFirstIndex() throws {
        let prepared = try LogBatch.Prepared(Self.entries(70))
        #expect(prepared.count == 70)
        #expect(prepared.rows(first: 0).map(\.first) == [0, 64])
        #expect(prepared.rows(first: 500).map(\.first) == [500, 564])
        #expect(prepared.rows(first: 500).map(\.text) == prepared.rows(first: 0).map(\.text))
        #expect(try LogBatch.rows(Self.entries(70), first: 500) == prepared.rows(first: 500))
    }

    @Test func entriesReadBackAtTheirIndicesWithinTheRange() throws {
        let entries = Self.entries(130)
        let rows = try LogBatch.rows(entries, first: 1_000)
        let all = try LogBatch.entries(of: rows, from: 1_000, to: 2_000)
        #expect(all == entries.enumerated().map { SequencedLogData(index: 1_000 + Int64($0.offset), data: $0.element.data) })
        #expect(try LogBatch.entries(of: rows, from: 1_060, to: 1_070).map(\.index) == Array(1_060..<1_070), "across a row boundary")
        #expect(try LogBatch.entries(of: rows, from: 2_000, to: 3_000).isEmpty)
        // An empty entry is a line of its own, not lost.
        let blank = try LogBatch.rows([LogEntryRecord(jti: "a", subject: "s", type: "badge", data: ""), entries[0]], first: 0)
        #expect(try LogBatch.entries(of: blank, from: 0, to: 10).map(\.data) == ["", entries[0].data])
    }

    @Test func anEntryWithANewlineIsRefused() {
        var bad = Self.entries(3)
        bad[1].data = "{\n}"
        #expect(throws: LogEntryRecord.NotOneLine(jti: bad[1].jti)) { try LogBatch.rows(bad, first: 0) }
    }

    @Test func overlappingRowsAreCorruptionAndAGapShowsInTheIndices() throws {
        let first = try LogBatch.rows(Self.entries(3), first: 0)[0]
        let overlapping = LogBatch.Row(first: 2, text: "x\ny")
        #expect(throws: LogBatch.Corrupt.self) { try LogBatch.entries(of: [first, overlapping], from: 0, to: 10) }
        let afterGap = LogBatch.Row(first: 5, text: "x")
        #expect(try LogBatch.entries(of: [first, afterGap], from: 0, to: 10).map(\.index) == [0, 1, 2, 5])
    }
}
