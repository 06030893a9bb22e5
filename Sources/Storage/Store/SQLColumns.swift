/// Column lists of the tables written by multi-row inserts, in bind order.
enum SQLColumns {
    static let agent =
        "id, org_id, user_id, name, description, domain, did, public_key_jwk, status, protocol, agent_card, trust_level, created_at, updated_at, disabled_at, disable_reason, kind, url, revision"
    static let event = ["id", "org_id", "type", "actor", "subject", "agent_id", "details", "created_at"]
    static let agentEvent = ["org_id", "id", "type", "agent_id", "server_id", "severity", "actor", "body", "created_at"]
    static let badge = [
        "jti", "org_id", "agent_id", "subject", "level", "ial", "kid", "issued_at", "expires_at", "audience", "revoked_at",
        "revocation_reason", "log_index",
    ]
}
