/// Errors a store reports that use cases must tell apart from plain failures.
public enum StoreError: Error, Sendable, Equatable {
    /// A uniqueness constraint rejected the write; `constraint` names it (e.g. `agents_did`).
    case uniqueViolation(constraint: String)
}

/// Every storage operation that is one statement, or one atomic conditional write, and so may
/// join a caller's transaction: the union of the per-aggregate ports.
///
/// This is what `UnitOfWork.inTransaction` hands its body. Operations that open a transaction of
/// their own (`LedgerBatching`, `CAKeyElection`) are deliberately not part of it, so calling one
/// on a transaction does not compile (it would deadlock SQLite's single writer and silently open
/// a second transaction on PostgreSQL).
///
/// Every method that takes an `orgID` scopes its effect to that organisation: a row of another
/// organisation is invisible (nil / false), never an error, so callers cannot probe existence.
public protocol StoreTransaction: OrganizationStore, APIKeyStore, AgentStore, BadgeLedgerStore, CAKeyStore, RateCounterStore,
    AuditStore, AgentEventStore, ChallengeStore, DVStore, IdentityStore, TransparencyLogStore, ConsoleSessionStore, PolicyStore, TrustStateStore {}
