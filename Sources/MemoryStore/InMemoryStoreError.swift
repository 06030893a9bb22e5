/// Failures only the in-memory store reports: what the databases would refuse with an error of
/// their own, and uses of the store that would deadlock or misbehave on SQLite.
public enum InMemoryStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A row names an organisation that does not exist (`table.column`); both databases enforce
    /// these foreign keys.
    case foreignKeyViolation(constraint: String)
    /// A write on the store itself, a nested `inTransaction`, or a self-transacting operation
    /// (`insertBadges`, CA key election) from inside one of the store's transactions: SQLite's
    /// single writer would wait for the open transaction forever. Use the transaction handle.
    case writeOutsideOpenTransaction(operation: String)
    /// The transaction handle was used after `inTransaction` returned.
    case transactionClosed

    public var description: String {
        switch self {
        case .foreignKeyViolation(let constraint):
            "foreign key violation: \(constraint) names no organisation"
        case .writeOutsideOpenTransaction(let operation):
            "\(operation) on the store from inside one of its transactions (would deadlock SQLite); use the transaction handle"
        case .transactionClosed:
            "the transaction handle was used after its transaction ended"
        }
    }
}
