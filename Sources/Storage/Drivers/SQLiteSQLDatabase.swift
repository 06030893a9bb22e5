import Foundation
import Logging
import Registry

/// SQLite behind `SQLDatabase`: one writer connection, a few read-only connections, WAL journal,
/// full fsync on commit.
///
/// Writes and transactions go through the writer, serialised by one lock so a transaction's
/// statements never interleave with another task's. Plain `SELECT`s outside a transaction go to the
/// readers, which WAL lets run alongside the writer: each sees every transaction committed before
/// it started. `synchronous=FULL` makes every answered write survive a crash or power loss.
///
/// Each connection talks to SQLite's C API on a thread of its own and keeps its statements
/// prepared (`SQLiteConnectionThread`, `SQLiteConnectionHandle`).
public final class SQLiteSQLDatabase: SQLDatabase {
    public let dialect = SQLDialect.sqlite
    private let writer: SQLiteConnectionThread
    private let writerLock = AsyncLock()
    /// No lock of their own: a reader runs only single statements, which its thread already runs
    /// one at a time.
    private let readers: [SQLiteConnectionThread]
    private let nextReader = ReaderCounter()

    private init(writer: SQLiteConnectionThread, readers: [SQLiteConnectionThread]) {
        self.writer = writer
        self.readers = readers
    }

    /// Opens (creating if needed) the database file at `path`, or a private in-memory database
    /// when `path` is nil (no readers then: each in-memory connection is a database of its own).
    /// `logger` is accepted for symmetry with the PostgreSQL driver; failures are thrown, not logged.
    public static func open(path: String?, readers readerCount: Int = 2, logger _: Logger) async throws -> SQLiteSQLDatabase {
        if let path {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        // busy_timeout: sqlite's default busy handler would fail at once when another process
        // holds the write lock (e.g. `insignia migrate` next to a running server). temp_store:
        // the statement journal of each multi-row INSERT in a transaction stays in memory (by
        // default past 64 KiB it spilled to a new file, on every ledger commit). cache_size: 16 MiB
        // of pages rather than 2 MiB, for the index pages that issuance touches.
        let writer = try await SQLiteConnectionThread.open(
            path: path,
            pragmas: [
                "PRAGMA busy_timeout = 10000", "PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL", "PRAGMA foreign_keys = ON",
                "PRAGMA temp_store = MEMORY", "PRAGMA cache_size = -16384",
            ]
        )
        var readers: [SQLiteConnectionThread] = []
        if path != nil {
            do {
                for _ in 0..<readerCount {
                    readers.append(try await SQLiteConnectionThread.open(
                        path: path, pragmas: ["PRAGMA busy_timeout = 10000", "PRAGMA query_only = ON"]
                    ))
                }
            } catch {
                for reader in readers { await reader.close() }
                await writer.close()
                throw error
            }
        }
        return SQLiteSQLDatabase(writer: writer, readers: readers)
    }

    @discardableResult
    public func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        if Self.isReadOnly(sql), !readers.isEmpty {
            return try await readers[nextReader.next() % readers.count].run(sql, binds)
        }
        return try await writerLock.withLock { try await writer.run(sql, binds) }
    }

    /// A statement a read-only connection can run: a plain SELECT (the store's reads all start so).
    public static func isReadOnly(_ sql: String) -> Bool {
        let head = sql.drop(while: { $0 == " " || $0 == "\n" }).prefix(6)
        return head.uppercased() == "SELECT"
    }

    public func transaction<T: Sendable>(lock _: Int64?, _ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        // SQLite needs no advisory lock: BEGIN IMMEDIATE takes the database's write lock, which
        // already serialises writers across processes. The body runs on the writer's thread, so
        // its statements run there in place rather than one hand-off each while the lock is held.
        try await writerLock.withLock {
            try await self.writer.withPreference {
                try await self.writer.run("BEGIN IMMEDIATE", [])
                do {
                    let value = try await body(Unlocked(connection: self.writer))
                    try await self.writer.run("COMMIT", [])
                    return value
                } catch {
                    _ = try? await self.writer.run("ROLLBACK", [])
                    throw error
                }
            }
        }
    }

    /// Statements handed to the writer's thread from elsewhere so far (tests: a transaction's own
    /// statements need none).
    var writerHandOffs: Int { writer.handOffs }

    public func close() async {
        for reader in readers { await reader.close() }
        await writer.close()
    }

    /// Round-robin position over the readers.
    private final class ReaderCounter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func next() -> Int { lock.withLock { value &+= 1; return value & Int.max } }
    }

    /// `$1` → `?1`: SQLite numbers `?NNN` parameters explicitly, whereas `$NNN` would be treated
    /// as a name and numbered by first appearance. When the placeholders are `$1, $2, … $n` in
    /// order, each used once (every multi-row insert), they become bare `?`, which SQLite numbers
    /// the same way: its parser looks each `?NNN` up in a list of those seen, so preparing a
    /// statement of a few hundred of them took quadratic time.
    public static func rewritePlaceholders(_ sql: String) -> String {
        // The text between placeholders, and each placeholder's digits (empty for a lone `$`).
        var pieces: [(text: Substring, digits: Substring)] = []
        var rest = Substring(sql)
        while let dollar = rest.firstIndex(of: "$") {
            let digits = rest[rest.index(after: dollar)...].prefix { $0.isASCII && $0.isNumber }
            pieces.append((rest[..<dollar], digits))
            rest = rest[digits.endIndex...]
        }
        let numbers = pieces.map(\.digits).filter { !$0.isEmpty }
        let inOrder = numbers.enumerated().allSatisfy { Int($1) == $0 + 1 }
        var out = ""
        out.reserveCapacity(sql.utf8.count)
        for piece in pieces {
            out += piece.text
            out += piece.digits.isEmpty ? "$" : inOrder ? "?" : "?" + piece.digits
        }
        return out + rest
    }

    /// The executor handed to a transaction body: the writer's lock is already held.
    private struct Unlocked: SQLExecutor {
        let connection: SQLiteConnectionThread
        var dialect: SQLDialect { .sqlite }
        func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
            try await connection.run(sql, binds)
        }
    }
}
