import Foundation
import Logging
import Registry
import NIOCore
import NIOPosix
import SQLiteNIO

/// SQLite behind `SQLDatabase`: one writer connection, a few read-only connections, WAL journal,
/// full fsync on commit.
///
/// Writes and transactions go through the writer, serialised by one lock so a transaction's
/// statements never interleave with another task's. Plain `SELECT`s outside a transaction go to the
/// readers, which WAL lets run alongside the writer: each sees every transaction committed before
/// it started. `synchronous=FULL` makes every answered write survive a crash or power loss.
public final class SQLiteSQLDatabase: SQLDatabase {
    public let dialect = SQLDialect.sqlite
    private let writer: Lane
    private let readers: [Lane]
    private let nextReader = ReaderCounter()

    private init(writer: Lane, readers: [Lane]) {
        self.writer = writer
        self.readers = readers
    }

    /// Opens (creating if needed) the database file at `path`, or a private in-memory database
    /// when `path` is nil (no readers then: each in-memory connection is a database of its own).
    public static func open(path: String?, readers readerCount: Int = 2, logger: Logger) async throws -> SQLiteSQLDatabase {
        if let path {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        // busy_timeout: sqlite's default busy handler would fail at once when another process
        // holds the write lock (e.g. `insignia migrate` next to a running server).
        let writer = try await Lane.open(
            path: path, logger: logger,
            pragmas: ["PRAGMA busy_timeout = 10000", "PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL", "PRAGMA foreign_keys = ON"]
        )
        var readers: [Lane] = []
        if path != nil {
            do {
                for _ in 0..<readerCount {
                    readers.append(try await Lane.open(path: path, logger: logger, pragmas: ["PRAGMA busy_timeout = 10000", "PRAGMA query_only = ON"]))
                }
            } catch {
                for lane in readers { await lane.close() }
                await writer.close()
                throw error
            }
        }
        return SQLiteSQLDatabase(writer: writer, readers: readers)
    }

    public func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        let lane = Self.isReadOnly(sql) && !readers.isEmpty ? readers[nextReader.next() % readers.count] : writer
        return try await lane.lock.withLock { try await lane.run(sql, binds) }
    }

    /// A statement a read-only connection can run: a plain SELECT (the store's reads all start so).
    public static func isReadOnly(_ sql: String) -> Bool {
        let head = sql.drop(while: { $0 == " " || $0 == "\n" }).prefix(6)
        return head.uppercased() == "SELECT"
    }

    public func transaction<T: Sendable>(lock _: Int64?, _ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        // SQLite needs no advisory lock: BEGIN IMMEDIATE takes the database's write lock, which
        // already serialises writers across processes.
        try await writer.lock.withLock {
            try await self.writer.run("BEGIN IMMEDIATE", [])
            do {
                let value = try await body(Unlocked(lane: self.writer))
                try await self.writer.run("COMMIT", [])
                return value
            } catch {
                _ = try? await self.writer.run("ROLLBACK", [])
                throw error
            }
        }
    }

    public func close() async {
        for lane in readers { await lane.close() }
        await writer.close()
    }

    /// One connection on a thread of its own, with the lock that serialises its statements.
    ///
    /// The own thread matters: SQLite blocks its thread while waiting for another process's write
    /// lock, and on a shared pool that wait could starve the connection holding the lock.
    final class Lane: Sendable {
        let connection: SQLiteConnection
        let threadPool: NIOThreadPool
        let lock = AsyncLock()

        private init(connection: SQLiteConnection, threadPool: NIOThreadPool) {
            self.connection = connection
            self.threadPool = threadPool
        }

        static func open(path: String?, logger: Logger, pragmas: [String]) async throws -> Lane {
            let threadPool = NIOThreadPool(numberOfThreads: 1)
            threadPool.start()
            let connection: SQLiteConnection
            do {
                connection = try await SQLiteConnection.open(
                    storage: path.map { .file(path: $0) } ?? .memory, threadPool: threadPool, logger: logger,
                    on: MultiThreadedEventLoopGroup.singleton.any()
                )
            } catch {
                try? await threadPool.shutdownGracefully()
                throw error
            }
            let lane = Lane(connection: connection, threadPool: threadPool)
            do {
                for pragma in pragmas { _ = try await connection.query(pragma, []) }
            } catch {
                await lane.close()
                throw error
            }
            return lane
        }

        func close() async {
            // The future-returning close: the async one gives up when the task is cancelled, which
            // would leave the file open.
            let closed: EventLoopFuture<Void> = connection.close()
            try? await closed.get()
            try? await threadPool.shutdownGracefully()
        }

        /// Runs one statement; the caller holds the lock.
        func run(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
            let data: [SQLiteData] = binds.map {
                switch $0 {
                case .null: .null
                case .int(let i): .integer(SQLiteInt64(i))
                case .double(let d): .float(d)
                case .text(let s): .text(s)
                }
            }
            do {
                let rows = try await connection.query(SQLiteSQLDatabase.rewritePlaceholders(sql), data)
                return rows.map { row in
                    var values: [String: SQLValue] = [:]
                    for column in row.columns {
                        values[column.name.lowercased()] = switch column.data {
                        case .null: .null
                        case .integer(let i): .int(Int64(i))
                        case .float(let d): .double(d)
                        case .text(let s): .text(s)
                        case .blob(let b): .text(String(buffer: b))
                        }
                    }
                    return SQLRow(values: values)
                }
            } catch let error as SQLiteError where error.reason == .constraintUniqueFailed || error.reason == .constraintPrimaryKeyFailed {
                // Message form: "UNIQUE constraint failed: agents.did"
                let constraint = error.message.components(separatedBy: "failed: ").last ?? error.message
                throw StoreError.uniqueViolation(constraint: constraint.components(separatedBy: ",").first ?? constraint)
            }
        }
    }

    /// Round-robin position over the readers.
    private final class ReaderCounter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func next() -> Int { lock.withLock { value &+= 1; return value & Int.max } }
    }

    /// `$1` → `?1`: SQLite numbers `?NNN` parameters explicitly, whereas `$NNN` would be treated
    /// as a name and numbered by first appearance.
    public static func rewritePlaceholders(_ sql: String) -> String {
        var out = ""
        out.reserveCapacity(sql.utf8.count)
        var previous: Character = " "
        for character in sql {
            if previous == "$", character.isNumber {
                out.removeLast()
                out.append("?")
            }
            out.append(character)
            previous = character
        }
        return out
    }

    /// The executor handed to a transaction body: the writer's lock is already held.
    private struct Unlocked: SQLExecutor {
        let lane: Lane
        func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
            try await lane.run(sql, binds)
        }
    }
}
