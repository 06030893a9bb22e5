/// A statement SQLite refused or failed (other than a uniqueness violation, which is a
/// `StoreError.uniqueViolation`), with SQLite's own message.
public struct SQLiteError: Error, Sendable, CustomStringConvertible {
    /// SQLite's extended result code, e.g. 1 (`SQLITE_ERROR`) for a syntax error.
    public let code: Int32
    /// SQLite's message, e.g. `near "SELEC": syntax error`.
    public let message: String
    /// The statement as the caller wrote it (binds are never included), when there was one.
    public let sql: String?

    public var description: String {
        "SQLite error \(code): \(message)" + (sql.map { " in: \($0)" } ?? "")
    }
}
