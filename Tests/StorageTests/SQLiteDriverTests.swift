import Foundation
import Logging
import Registry
@testable import Storage
import Testing

/// The SQLite driver itself: prepared-statement cache, binds and reads, error mapping, concurrency.
@Suite struct SQLiteDriverTests {
    @Test func repeatedStatementsArePreparedOnce() throws {
        let connection = try SQLiteConnectionHandle(path: nil, pragmas: [])
        defer { connection.close() }
        try connection.execute("CREATE TABLE t (v INTEGER)", [])
        for i in 0..<10 { try connection.execute("INSERT INTO t (v) VALUES ($1)", [.int(Int64(i))]) }
        let rows = try connection.execute("SELECT SUM(v) AS total FROM t", [])
        #expect(try rows.first?.int("total") == 45)
        #expect(connection.statements.prepares == 3)
        #expect(connection.statements.hits == 9)
    }

    @Test func cacheStaysBoundedAndEvictsTheLeastRecentlyUsed() throws {
        let connection = try SQLiteConnectionHandle(path: nil, pragmas: [], cacheCapacity: 4)
        defer { connection.close() }
        for i in 0..<10 { try connection.execute("SELECT \(i) AS n", []) }
        #expect(connection.statements.count == 4)
        #expect(connection.statements.prepares == 10)
        try connection.execute("SELECT 9 AS n", [])
        #expect(connection.statements.hits == 1)
        try connection.execute("SELECT 0 AS n", [])
        #expect(connection.statements.prepares == 11)
        #expect(connection.statements.count == 4)
    }

    @Test func aFailingStatementThrowsAndLeavesTheCacheUsable() throws {
        let connection = try SQLiteConnectionHandle(path: nil, pragmas: [])
        defer { connection.close() }
        #expect {
            try connection.execute("SELEC 1", [])
        } throws: { error in
            guard let error = error as? SQLiteError else { return false }
            return error.message.contains("syntax error") && error.sql == "SELEC 1"
        }
        #expect(connection.statements.count == 0)

        try connection.execute("CREATE TABLE t (v INTEGER NOT NULL CHECK (v > 0))", [])
        let insert = "INSERT INTO t (v) VALUES ($1)"
        #expect(throws: SQLiteError.self) { try connection.execute(insert, [.int(-1)]) }
        #expect(throws: SQLiteError.self) { try connection.execute(insert, [.int(1), .int(2)]) }
        try connection.execute(insert, [.int(1)])
        #expect(try connection.execute("SELECT COUNT(*) AS n FROM t", []).first?.int("n") == 1)
        // The failed runs reused the same statement, and it still works.
        #expect(connection.statements.hits == 2)
    }

    /// Arrays are PostgreSQL's (`SQLValue.texts`, `.ints`): SQLite refuses them by name rather
    /// than binding something else, and the statement stays usable.
    @Test func arrayBindsAreRefused() throws {
        let connection = try SQLiteConnectionHandle(path: nil, pragmas: [])
        defer { connection.close() }
        for array in [SQLValue.texts(["a", nil]), .ints([1])] {
            #expect {
                try connection.execute("SELECT $1 AS v", [array])
            } throws: { error in
                (error as? SQLiteError).map { $0.message == "parameter 1 is an array, which SQLite cannot bind" } ?? false
            }
        }
        #expect(try connection.execute("SELECT $1 AS v", [.text("a")]).first?.string("v") == "a")
    }

    @Test func bindingsDoNotLeakIntoTheNextUse() throws {
        let connection = try SQLiteConnectionHandle(path: nil, pragmas: [])
        defer { connection.close() }
        let sql = "SELECT $1 AS a, $2 AS b"
        _ = try connection.execute(sql, [.int(1), .text("x")])
        let row = try #require(try connection.execute(sql, [.int(3)]).first)
        #expect(row.values["a"] == .int(3))
        #expect(row.values["b"] == .null)
    }

    @Test func valuesRoundTrip() throws {
        let connection = try SQLiteConnectionHandle(path: nil, pragmas: [])
        defer { connection.close() }
        try connection.execute("CREATE TABLE t (id INTEGER, value)", [])
        let values: [SQLValue] = [
            .null, .int(0), .int(Int64.max), .int(Int64.min), .double(3.25), .double(-0.5),
            .text(""), .text("plain"), .text("héllo wörld, 漢字, 🦊🏳️‍🌈"), .text("nul\u{0}inside"),
        ]
        for (id, value) in values.enumerated() {
            try connection.execute("INSERT INTO t (id, value) VALUES ($1, $2)", [.int(Int64(id)), value])
        }
        let rows = try connection.execute("SELECT id, value AS Value FROM t ORDER BY id", [])
        #expect(rows.map { $0.values["value"] } == values)
        let blobs = try #require(try connection.execute("SELECT CAST('abc' AS BLOB) AS b, X'' AS e", []).first)
        #expect(blobs.values["b"] == .text("abc"))
        #expect(blobs.values["e"] == .text(""))
    }

    @Test func uniqueAndPrimaryKeyViolationsNameTheColumn() async throws {
        try await withTemporaryDatabase { database in
            try await database.query("CREATE TABLE agents (id INTEGER PRIMARY KEY, did TEXT UNIQUE)")
            try await database.query("CREATE TABLE pairs (a TEXT, b TEXT, PRIMARY KEY (a, b))")
            try await database.query("INSERT INTO agents (id, did) VALUES (1, 'did:x')")
            await #expect(throws: StoreError.uniqueViolation(constraint: "agents.did")) {
                try await database.query("INSERT INTO agents (id, did) VALUES ($1, $2)", [.int(2), .text("did:x")])
            }
            await #expect(throws: StoreError.uniqueViolation(constraint: "agents.id")) {
                try await database.query("INSERT INTO agents (id, did) VALUES ($1, $2)", [.int(1), .text("did:y")])
            }
            try await database.query("INSERT INTO pairs (a, b) VALUES ('1', '2')")
            await #expect(throws: StoreError.uniqueViolation(constraint: "pairs.a")) {
                try await database.query("INSERT INTO pairs (a, b) VALUES ('1', '2')")
            }
        }
    }

    @Test func manyConcurrentReadsAndWritesComplete() async throws {
        try await withTemporaryDatabase { database in
            try await database.query("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<200 {
                    group.addTask {
                        switch i % 4 {
                        case 0:
                            try await database.query("INSERT INTO t (id, v) VALUES ($1, $2)", [.int(Int64(i)), .text("row \(i)")])
                        case 1:
                            try await database.transaction { tx in
                                try await tx.query("INSERT INTO t (id, v) VALUES ($1, $2)", [.int(Int64(i)), .text("row \(i)")])
                                let rows = try await tx.query("SELECT v FROM t WHERE id = $1", [.int(Int64(i))])
                                #expect(try rows.first?.string("v") == "row \(i)")
                            }
                        default:
                            let rows = try await database.query("SELECT COUNT(*) AS n FROM t WHERE id <= $1", [.int(Int64(i))])
                            #expect(try (0...100).contains(rows.first?.int("n") ?? -1))
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await database.query("SELECT COUNT(*) AS n FROM t").first?.int("n") == 100)
        }
    }

    @Test func aThrowingTransactionRollsBack() async throws {
        struct Abort: Error {}
        try await withTemporaryDatabase { database in
            try await database.query("CREATE TABLE t (v INTEGER)")
            await #expect(throws: Abort.self) {
                try await database.transaction { tx in
                    try await tx.query("INSERT INTO t (v) VALUES (1)")
                    throw Abort()
                }
            }
            #expect(try await database.query("SELECT COUNT(*) AS n FROM t").first?.int("n") == 0)
            try await database.transaction { tx in _ = try await tx.query("INSERT INTO t (v) VALUES (2)") }
            #expect(try await database.query("SELECT v FROM t").first?.int("v") == 2)
        }
    }

    @Test func aClosedDatabaseThrows() async throws {
        let database = try await SQLiteSQLDatabase.open(path: nil, logger: Logger(label: "t"))
        await database.close()
        await #expect(throws: SQLiteError.self) { try await database.query("SELECT 1") }
    }

    /// Statement journals and temporary b-trees stay in memory (on disk each multi-row INSERT in a
    /// transaction wrote its journal to a new file), and the page cache holds 16 MiB.
    @Test func writerKeepsTemporaryDataInMemoryWithALargerCache() async throws {
        try await withTemporaryDatabase { database async throws in
            #expect(try await database.query("PRAGMA temp_store").first?.int("temp_store") == 2)
            #expect(try await database.query("PRAGMA cache_size").first?.int("cache_size") == -16384)
            #expect(try await database.query("PRAGMA synchronous").first?.int("synchronous") == 2)
        }
    }

    /// A transaction runs on the writer's thread: its statements, however many, need no hand-off.
    @Test func aTransactionsStatementsRunWithoutHandOffs() async throws {
        try await withTemporaryDatabase { database async throws in
            try await database.query("CREATE TABLE t (v INTEGER)")
            let before = database.writerHandOffs
            try await database.transaction { tx in
                for i in 0..<20 { try await tx.query("INSERT INTO t (v) VALUES ($1)", [.int(Int64(i))]) }
            }
            #expect(database.writerHandOffs == before)
            try await database.query("DELETE FROM t WHERE v < 10")
            #expect(database.writerHandOffs == before + 1)
            #expect(try await database.query("SELECT COUNT(*) AS n FROM t").first?.int("n") == 10)
        }
    }

    private func withTemporaryDatabase(_ body: (SQLiteSQLDatabase) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("insignia-driver-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try await SQLiteSQLDatabase.open(path: directory.appendingPathComponent("db.sqlite").path, logger: Logger(label: "t"))
        do {
            try await body(database)
        } catch {
            await database.close()
            throw error
        }
        await database.close()
    }
}
