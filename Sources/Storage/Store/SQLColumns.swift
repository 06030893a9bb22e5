/// Column lists of the tables written by multi-row inserts, in bind order.
enum SQLColumns {
    static let agent =
        "id, org_id, user_id, name, description, domain, did, public_key_jwk, status, protocol, agent_card, trust_level, created_at, updated_at, disabled_at, disable_reason, kind, url, revision"
    static let event = ["id", "org_id", "type", "actor", "subject", "agent_id", "details", "created_at"]
    static let agentEvent = ["org_id", "id", "type", "agent_id", "server_id", "severity", "actor", "body", "created_at"]
    static let badge = typedBadge.map(\.name)
    /// `badge` with each column's SQL type: PostgreSQL's ledger statement reads its rows from a
    /// `VALUES` list, which takes no types from the table (and a NULL bind has none).
    static let typedBadge: [(name: String, type: String)] = [
        ("jti", "text"), ("org_id", "text"), ("agent_id", "text"), ("subject", "text"), ("level", "text"), ("ial", "text"),
        ("kid", "text"), ("issued_at", "bigint"), ("expires_at", "bigint"), ("audience", "text"), ("revoked_at", "bigint"),
        ("revocation_reason", "text"), ("log_index", "bigint"),
    ]
}
