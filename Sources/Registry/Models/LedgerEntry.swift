/// One badge for the ledger, with its audit event and, when the badge was issued from cached
/// registry data, the facts that data claimed.
public struct LedgerEntry: Sendable {
    public var badge: BadgeRecord
    public var event: AuditEvent
    /// Checked in the transaction that records the badge; nil: nothing to check.
    public var basis: IssuanceBasis?
    /// The transparency log entry, sequenced in the transaction that records the badge (nil when
    /// the log is off).
    public var logEntry: LogEntryRecord?

    public init(badge: BadgeRecord, event: AuditEvent, basis: IssuanceBasis? = nil, logEntry: LogEntryRecord? = nil) {
        self.badge = badge
        self.event = event
        self.basis = basis
        self.logEntry = logEntry
    }
}

/// What an issuance read before signing: the agent row as it was read and the API key that
/// authorised it.
///
/// The ledger write re-reads both inside its transaction. The badge is recorded (and answered)
/// only if the agent row is still at `agent.revision` (every stored change raises it, so the row
/// is exactly `agent`) and the key is still usable at the badge's issue time, so a disable,
/// deletion, key change or key revocation that committed before the badge's transaction always
/// wins, whether it happened in this process, another replica or the CLI.
public struct IssuanceBasis: Sendable, Equatable {
    public var agent: Agent
    public var apiKeyID: String?

    public init(agent: Agent, apiKeyID: String?) {
        self.agent = agent
        self.apiKeyID = apiKeyID
    }
}
