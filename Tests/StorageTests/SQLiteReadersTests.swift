import Foundation
import Logging
import Storage
import Testing

@Suite struct SQLiteReadersTests {
    @Test func onlyPlainSelectsGoToReaders() {
        #expect(SQLiteSQLDatabase.isReadOnly("SELECT * FROM badges"))
        #expect(SQLiteSQLDatabase.isReadOnly("\n  select 1"))
        #expect(!SQLiteSQLDatabase.isReadOnly("INSERT INTO badges VALUES (1)"))
        #expect(!SQLiteSQLDatabase.isReadOnly("UPDATE x SET y = 1 RETURNING y"))
        #expect(!SQLiteSQLDatabase.isReadOnly("DELETE FROM x RETURNING id"))
        #expect(!SQLiteSQLDatabase.isReadOnly("PRAGMA journal_mode = WAL"))
    }

    /// A read is answered while a write transaction is still open, and sees only committed data.
    @Test func readsDoNotWaitForAnOpenWriteTransaction() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("insignia-readers-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try await SQLiteSQLDatabase.open(path: directory.appendingPathComponent("db.sqlite").path, logger: Logger(label: "t"))
        try await database.query("CREATE TABLE t (v INTEGER)")
        try await database.query("INSERT INTO t (v) VALUES (1)")
        // The writer holds its transaction open until the read is answered, rather than for a
        // fixed time: on a loaded machine a fixed 500 ms ran out before the read got its turn.
        // A read that waited for the writer would wait for its 10 s bound, and then see the row.
        let (inserted, answered, committed) = (Flag(), Flag(), Flag())
        let writing = Task {
            try await database.transaction { tx in
                try await tx.query("INSERT INTO t (v) VALUES (2)")
                inserted.set()
                try await poll(for: .seconds(10)) { answered.isSet }
            }
            committed.set()
        }
        try #require(try await poll(for: .seconds(10)) { inserted.isSet })
        let during = try await database.query("SELECT COUNT(*) AS n FROM t").first?.int("n")
        // Answered before the writer committed, and without its uncommitted row.
        #expect(!committed.isSet)
        #expect(during == 1)
        answered.set()
        try await writing.value
        #expect(try await database.query("SELECT COUNT(*) AS n FROM t").first?.int("n") == 2)
        await database.close()
    }
}

/// A thread-safe one-way switch.
private final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
