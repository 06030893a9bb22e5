import Foundation
import Logging
import Registry
import NIOCore
import NIOPosix
import SQLiteNIO

/// SQLite behind `SQLDatabase`: one connection, WAL journal, full fsync on commit.
///
/// Statements are serialised through one lock so a transaction's statements never interleave with
/// another task's. `synchronous=FULL` makes every answered write survive a crash or power loss.
public final class SQLiteSQLDatabase: SQLDatabase {
    public let dialect = SQLDialect.sqlite
    private let connection: SQLiteConnection
    /// A thread of our own: SQLite blocks its thread while waiting for another process's write
    /// lock, and on the shared pool that wait could starve the connection holding the lock.
    private let threadPool: NIOThreadPool
    private let lock = AsyncLock()

    private init(connection: SQLiteConnection, threadPool: NIOThreadPool) {
        self.connection = connection
        self.threadPool = threadPool
    }

    /// Opens (creating if needed) the database file at `path`, or a private in-memory database
    /// when `path` is nil.
    public static func open(path: String?, logger: Logger) async throws -> SQLiteSQLDatabase {
        if let path {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
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
        let db = SQLiteSQLDatabase(connection: connection, threadPool: threadPool)
        // busy_timeout: sqlite's default busy handler would fail at once when another process
        // holds the write lock (e.g. `insignia migrate` next to a running server).
        do {
            for pragma in ["PRAGMA busy_timeout = 10000", "PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL", "PRAGMA foreign_keys = ON"] {
                _ = try await connection.query(pragma, [])
            }
        } catch {
            await db.close()
            throw error
        }
        return db
    }

    public func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        try await lock.withLock { try await self.run(sql, binds) }
    }

    public func transaction<T: Sendable>(lock _: Int64?, _ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        // SQLite needs no advisory lock: BEGIN IMMEDIATE takes the database's write lock, which
        // already serialises writers across processes.
        try await lock.withLock {
            try await self.run("BEGIN IMMEDIATE", [])
            do {
                let value = try await body(Unlocked(database: self))
                try await self.run("COMMIT", [])
                return value
            } catch {
                _ = try? await self.run("ROLLBACK", [])
                throw error
            }
        }
    }

    public func close() async {
        // The future-returning close: the async one gives up when the task is cancelled, which
        // would leave the file open.
        let closed: EventLoopFuture<Void> = connection.close()
        try? await closed.get()
        try? await threadPool.shutdownGracefully()
    }

    /// Runs one statement; the caller holds the lock.
    fileprivate func run(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        let data: [SQLiteData] = binds.map {
            switch $0 {
            case .null: .null
            case .int(let i): .integer(SQLiteInt64(i))
            case .double(let d): .float(d)
            case .text(let s): .text(s)
            }
        }
        do {
            let rows = try await connection.query(Self.rewritePlaceholders(sql), data)
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

    /// The executor handed to a transaction body: the lock is already held.
    private struct Unlocked: SQLExecutor {
        let database: SQLiteSQLDatabase
        func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
            try await database.run(sql, binds)
        }
    }
}
