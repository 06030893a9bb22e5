import Registry
import CSQLite

/// One open `sqlite3` connection and its prepared statements, run synchronously through the C API.
///
/// `@unchecked Sendable`: it is handed to the connection's own thread (`SQLiteConnectionThread`),
/// which runs one work item at a time, so its state is never touched by two threads at once. The
/// connection is opened `NOMUTEX` for the same reason: SQLite need not lock what is never shared.
final class SQLiteConnectionHandle: @unchecked Sendable {
    private var db: OpaquePointer?
    private(set) var statements: SQLiteStatementCache

    /// Opens `path` (created if missing), or a private in-memory database when nil, and runs
    /// `pragmas` on it.
    init(path: String?, pragmas: [String], cacheCapacity: Int = SQLiteStatementCache.defaultCapacity) throws {
        statements = SQLiteStatementCache(capacity: cacheCapacity)
        var db: OpaquePointer?
        let status = sqlite3_open_v2(path ?? ":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil)
        guard status == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(status))
            // SQLite allocates a handle even when opening fails; it must still be closed.
            sqlite3_close(db)
            throw SQLiteError(code: status, message: message, sql: nil)
        }
        self.db = db
        do {
            for pragma in pragmas {
                // Not through the cache: each runs once.
                guard sqlite3_exec(db, pragma, nil, nil, nil) == SQLITE_OK else { throw Self.failure(on: db, sql: pragma) }
            }
        } catch {
            close()
            throw error
        }
    }

    /// Finalizes the cached statements and closes the connection; later statements throw.
    func close() {
        statements.removeAll()
        sqlite3_close(db)
        db = nil
    }

    /// Runs one statement (`$n` placeholders) and returns all its rows, columns by lower-case name.
    /// BLOB columns are read as UTF-8 text, as the schema has none of its own.
    @discardableResult
    func execute(_ sql: String, _ binds: [SQLValue]) throws -> [SQLRow] {
        guard let db else { throw SQLiteError(code: SQLITE_MISUSE, message: "the connection is closed", sql: sql) }
        let statement = try statements.statement(for: sql) { try Self.prepare($0, on: db) }
        defer {
            // Ends the statement's implicit read transaction and frees its bound text, leaving the
            // cached statement ready for the next use, whether this one succeeded or failed.
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        for (offset, value) in binds.enumerated() {
            let status = Self.bind(value, at: Int32(offset + 1), to: statement)
            guard status != SQLITE_MISMATCH else {
                throw SQLiteError(code: status, message: "parameter \(offset + 1) is an array, which SQLite cannot bind", sql: sql)
            }
            guard status == SQLITE_OK else { throw Self.failure(on: db, sql: sql) }
        }
        var rows: [SQLRow] = []
        // Read after the first step, not at prepare: a schema change re-prepares the statement
        // during the step and may change its columns.
        var columns: [String] = []
        while true {
            switch sqlite3_step(statement) {
            case SQLITE_ROW:
                if columns.isEmpty { columns = Self.columnNames(statement) }
                var values: [String: SQLValue] = .init(minimumCapacity: columns.count)
                for (index, name) in columns.enumerated() {
                    values[name] = Self.value(at: Int32(index), of: statement)
                }
                rows.append(SQLRow(values: values))
            case SQLITE_DONE:
                return rows
            default:
                throw Self.failure(on: db, sql: sql)
            }
        }
    }

    private static func prepare(_ sql: String, on db: OpaquePointer) throws -> OpaquePointer {
        var statement: OpaquePointer?
        // PERSISTENT: the statement is kept for reuse, so SQLite keeps it out of the lookaside
        // memory meant for short-lived ones.
        let status = sqlite3_prepare_v3(
            db, SQLiteSQLDatabase.rewritePlaceholders(sql), -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil
        )
        guard status == SQLITE_OK else { throw failure(on: db, sql: sql) }
        // A null statement with SQLITE_OK: the text held only whitespace or comments.
        guard let statement else { throw SQLiteError(code: SQLITE_MISUSE, message: "no statement in the SQL text", sql: sql) }
        return statement
    }

    private static func bind(_ value: SQLValue, at index: Int32, to statement: OpaquePointer) -> Int32 {
        switch value {
        case .null:
            return sqlite3_bind_null(statement, index)
        case .int(let int):
            return sqlite3_bind_int64(statement, index, int)
        case .double(let double):
            return sqlite3_bind_double(statement, index, double)
        case .text(var text):
            return text.withUTF8 { bytes in
                // A null pointer would bind NULL, not an empty string.
                guard let base = bytes.baseAddress, !bytes.isEmpty else {
                    return sqlite3_bind_text64(statement, index, "", 0, SQLITE_TRANSIENT, UInt8(SQLITE_UTF8))
                }
                return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                    sqlite3_bind_text64(statement, index, $0, UInt64(bytes.count), SQLITE_TRANSIENT, UInt8(SQLITE_UTF8))
                }
            }
        case .texts, .ints:
            return SQLITE_MISMATCH
        }
    }

    private static func columnNames(_ statement: OpaquePointer) -> [String] {
        (0..<sqlite3_column_count(statement)).map { index in
            sqlite3_column_name(statement, index).map { String(cString: $0).lowercased() } ?? ""
        }
    }

    private static func value(at index: Int32, of statement: OpaquePointer) -> SQLValue {
        switch sqlite3_column_type(statement, index) {
        case SQLITE_INTEGER:
            return .int(sqlite3_column_int64(statement, index))
        case SQLITE_FLOAT:
            return .double(sqlite3_column_double(statement, index))
        case SQLITE_TEXT:
            // Pointer first, then length: the documented order for reading a value without conversion.
            let text = sqlite3_column_text(statement, index)
            let count = Int(sqlite3_column_bytes(statement, index))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: text == nil ? 0 : count), as: UTF8.self))
        case SQLITE_BLOB:
            let blob = sqlite3_column_blob(statement, index)
            let count = Int(sqlite3_column_bytes(statement, index))
            return .text(String(decoding: UnsafeRawBufferPointer(start: blob, count: blob == nil ? 0 : count), as: UTF8.self))
        default:
            return .null
        }
    }

    /// The error SQLite reports for the last failed call on `db`: a uniqueness violation becomes
    /// `StoreError.uniqueViolation`, anything else an `SQLiteError` with SQLite's message.
    private static func failure(on db: OpaquePointer, sql: String) -> any Error {
        let code = sqlite3_extended_errcode(db)
        let message = String(cString: sqlite3_errmsg(db))
        guard code == sqliteConstraintUnique || code == sqliteConstraintPrimaryKey else {
            return SQLiteError(code: code, message: message, sql: sql)
        }
        // "UNIQUE constraint failed: agents.did" (a composite key lists "t.a, t.b": keep the first).
        let columns = message.components(separatedBy: "failed: ").last ?? message
        return StoreError.uniqueViolation(constraint: columns.components(separatedBy: ",").first ?? columns)
    }
}

// The header defines these as expressions, which Swift does not import.
private let sqliteConstraintUnique = SQLITE_CONSTRAINT | (8 << 8)
private let sqliteConstraintPrimaryKey = SQLITE_CONSTRAINT | (6 << 8)
// The header's SQLITE_TRANSIENT is a cast of -1 to a function pointer, which Swift does not import
// (the shim returns it): it tells SQLite to copy bound text before the call returns.
private let SQLITE_TRANSIENT = insignia_sqlite_transient()
