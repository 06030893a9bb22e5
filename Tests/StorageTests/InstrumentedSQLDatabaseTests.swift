import Foundation
import Logging
import Storage
import StoreConformance
import Testing

@Suite struct InstrumentedSQLDatabaseTests {
    /// An in-memory SQLite database (writer only, so every statement queues behind an open transaction).
    func withDatabase(_ body: (InstrumentedSQLDatabase, RecordingObserver) async throws -> Void) async throws {
        let observer = RecordingObserver()
        let base = try await SQLiteSQLDatabase.open(path: nil, logger: Logger(label: "t"))
        let database = InstrumentedSQLDatabase(base, observer: observer)
        try await database.query("CREATE TABLE t (v INTEGER)")
        observer.reset()
        do {
            try await body(database, observer)
        } catch {
            await database.close()
            throw error
        }
        await database.close()
    }

    @Test func statementsAreCountedAndTimed() async throws {
        try await withDatabase { database, observer in
            try await database.query("INSERT INTO t (v) VALUES ($1)", [.int(1)])
            #expect(try await database.query("SELECT v FROM t").count == 1)
            #expect(observer.finished.map(\.kind) == [.query, .query])
            #expect(observer.finished.allSatisfy { !$0.failed && $0.duration > .zero })
            #expect(observer.inFlight(.query) == 0 && observer.inFlight(.transaction) == 0)
        }
    }

    @Test func failuresAreReportedAsFailed() async throws {
        try await withDatabase { database, observer in
            await #expect(throws: (any Error).self) { try await database.query("SELECT * FROM missing") }
            struct Abort: Error {}
            await #expect(throws: Abort.self) {
                try await database.transaction { tx in
                    try await tx.query("INSERT INTO t (v) VALUES (1)")
                    throw Abort()
                }
            }
            #expect(observer.finished.map(\.kind) == [.query, .query, .transaction])
            #expect(observer.finished.map(\.failed) == [true, false, true])
            #expect(observer.inFlight(.query) == 0 && observer.inFlight(.transaction) == 0)
        }
    }

    /// While a transaction is open it is in flight, and so is a statement queued behind it; both
    /// come back down when they finish, and the durations cover the wait.
    @Test func inFlightGaugesRiseDuringSlowWorkAndFallAfter() async throws {
        try await withDatabase { database, observer in
            let queued = try await database.transaction { tx in
                #expect(observer.inFlight(.transaction) == 1)
                try await tx.query("INSERT INTO t (v) VALUES (1)")
                #expect(observer.inFlight(.query) == 0)
                // The writer is ours until we return: this statement waits, in flight, meanwhile.
                let queued = Task { try await database.query("INSERT INTO t (v) VALUES (2)") }
                try await observer.wait { $0.inFlight(.query) == 1 }
                try await Task.sleep(for: .milliseconds(50))
                #expect(observer.inFlight(.query) == 1)
                return queued
            }
            _ = try await queued.value
            #expect(observer.inFlight(.transaction) == 0 && observer.inFlight(.query) == 0)
            let transaction = try #require(observer.finished.first { $0.kind == .transaction })
            // The last statement, not the last report: the transaction's own report is made after
            // it hands the writer back, so the queued statement may finish and report first.
            let waited = try #require(observer.finished.last { $0.kind == .query })
            #expect(!transaction.failed && transaction.duration >= .milliseconds(50))
            #expect(waited.kind == .query && !waited.failed && waited.duration >= .milliseconds(50))
        }
    }

    /// A fixed statement reaches the base database's own way of running it, which on PostgreSQL
    /// prepares it on the connection, and is reported like any other statement.
    @Test(arguments: TestBackend.available.filter { $0 == .postgres })
    func fixedStatementsAreStillPreparedBehindTheInstruments(backend: TestBackend) async throws {
        try await backend.withDatabase { opened, _ in
            let observer = RecordingObserver()
            let database = InstrumentedSQLDatabase(opened.database, observer: observer)
            let prepared = try await database.transaction { tx in
                #expect(try await tx.query(Increment.self, [.int(41)]).first?.int("answer") == 42)
                return try await tx.query("SELECT name FROM pg_prepared_statements").map { try $0.string("name") }
            }
            #expect(prepared == ["insignia.Increment"])
            #expect(try await database.query(Increment.self, [.int(1)]).first?.int("answer") == 2)
            #expect(observer.finished.filter { $0.kind == .query }.count == 3)
            #expect(observer.finished.filter { $0.kind == .transaction }.count == 1)
        }
    }

    @Test func poolSizeFollowsTheBackendConfiguration() async throws {
        let logger = Logger(label: "t")
        // PostgresClient connects only when run: the configured maximum is readable without a server.
        let postgres = try await OpenedDatabase.open(.postgres(url: "postgres://u@localhost/db"), postgresPoolSize: 7, logger: logger)
        #expect(postgres.poolSize == 7)
        let urlOverride = try await OpenedDatabase.open(.postgres(url: "postgres://u@localhost/db?pool_max=3"), postgresPoolSize: 7, logger: logger)
        #expect(urlOverride.poolSize == 3)
        let defaulted = try await OpenedDatabase.open(.postgres(url: "postgres://u@localhost/db"), logger: logger)
        #expect(defaulted.poolSize == DatabaseLocation.defaultPostgresPoolSize && defaulted.poolSize >= 4)

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("insignia-pool-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = try await OpenedDatabase.open(.sqlite(path: directory.appendingPathComponent("db.sqlite").path), logger: logger)
        #expect(file.poolSize == 3)
        await file.database.close()
        let memory = try await OpenedDatabase.open(.sqlite(path: nil), logger: logger)
        #expect(memory.poolSize == 1)
        await memory.database.close()
    }
}

/// A fixed statement for the tests.
enum Increment: FixedSQL {
    static let sql = "SELECT $1::bigint + 1 AS answer"
}

/// Records what an `InstrumentedSQLDatabase` reports.
final class RecordingObserver: SQLDatabaseObserver, @unchecked Sendable {
    struct Finished {
        let kind: SQLOperationKind
        let duration: Duration
        let failed: Bool
    }

    private let lock = NSLock()
    private var running: [SQLOperationKind: Int] = [:]
    private var done: [Finished] = []

    func started(_ kind: SQLOperationKind) {
        lock.withLock { running[kind, default: 0] += 1 }
    }

    func finished(_ kind: SQLOperationKind, after duration: Duration, failed: Bool) {
        lock.withLock {
            running[kind, default: 0] -= 1
            done.append(Finished(kind: kind, duration: duration, failed: failed))
        }
    }

    func inFlight(_ kind: SQLOperationKind) -> Int { lock.withLock { running[kind, default: 0] } }
    var finished: [Finished] { lock.withLock { done } }
    func reset() { lock.withLock { running = [:]; done = [] } }

    /// Polls until `condition` holds (at most 5 s).
    func wait(until condition: (RecordingObserver) -> Bool) async throws {
        #expect(try await poll(for: .seconds(5)) { condition(self) })
    }
}
