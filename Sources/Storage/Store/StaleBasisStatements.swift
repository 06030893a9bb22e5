// The ledger transaction's reads of what a badge was issued on (`SQLStore.staleBases`): fixed
// statements, so PostgreSQL plans none of them again in a transaction that every badge waits for.

/// The transparency log's counter, locked until the commit.
enum LockedLogCounter: FixedSQL {
    static let sql = "SELECT next_index FROM tlog_sequence WHERE id = 1 FOR UPDATE"
}

/// The counter, locked, with the revisions of the agents named: one round trip for both.
enum LockedLogCounterAndAgentRevisions: IDListSQL {
    static func sql(ids: String) -> String {
        """
        WITH seq AS (\(LockedLogCounter.sql)) \
        SELECT seq.next_index, a.id, a.revision FROM seq LEFT JOIN agents a ON a.id \(ids)
        """
    }
}

/// The revisions of the agents named.
enum AgentRevisions: IDListSQL {
    static func sql(ids: String) -> String { "SELECT id, revision FROM agents WHERE id \(ids)" }
}

/// The expiry of each unrevoked API key named.
enum UnrevokedKeyExpiries: IDListSQL {
    static func sql(ids: String) -> String { "SELECT id, expires_at FROM api_keys WHERE revoked_at IS NULL AND id \(ids)" }
}
