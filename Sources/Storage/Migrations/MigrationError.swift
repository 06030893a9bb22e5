import PostgresNIO

/// A migration the database refused: which one, and the database's own reason, for the one line
/// the server prints before it stops (e.g. a role that may not create the `pg_trgm` extension).
public struct MigrationError: Error, Sendable, CustomStringConvertible {
    public let version: Int
    public let name: String
    public let reason: String

    public var description: String { "migration \(version) (\(name)) failed: \(reason)" }

    init(_ migration: Migration, underlying error: any Error) {
        version = migration.version
        name = migration.name
        reason = Self.reason(of: error)
    }

    /// PostgreSQL's message and hint (PostgresNIO's own description hides them); other errors as
    /// they describe themselves, bounded.
    static func reason(of error: any Error) -> String {
        let unwrapped = (error as? PostgresTransactionError).flatMap { $0.closureError ?? $0.commitError ?? $0.beginError } ?? error
        if let info = (unwrapped as? PSQLError)?.serverInfo, let message = info[.message] {
            return [message, info[.hint]].compactMap { $0 }.joined(separator: "; ")
        }
        return String(String(describing: unwrapped).prefix(300))
    }
}
