/// One versioned schema change. Versions only ever grow; an applied migration is never edited.
struct Migration: Sendable {
    let version: Int
    let name: String
    /// Statements in the dialect both databases share.
    let statements: [String]
}

extension Migration {
    /// Every migration, in order.
    static let all: [Migration] = [
        Migration(version: 1, name: "organisations, api keys, agents", statements: [
            """
            CREATE TABLE organizations (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                created_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE api_keys (
                id TEXT PRIMARY KEY,
                org_id TEXT NOT NULL REFERENCES organizations(id),
                name TEXT NOT NULL,
                prefix TEXT NOT NULL,
                key_hash TEXT NOT NULL UNIQUE,
                scopes TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                last_used_at BIGINT,
                expires_at BIGINT,
                revoked_at BIGINT
            )
            """,
            "CREATE INDEX api_keys_org ON api_keys (org_id, created_at)",
            """
            CREATE TABLE agents (
                id TEXT PRIMARY KEY,
                org_id TEXT NOT NULL REFERENCES organizations(id),
                user_id TEXT,
                name TEXT NOT NULL,
                description TEXT,
                domain TEXT,
                did TEXT UNIQUE,
                public_key_jwk TEXT,
                status TEXT NOT NULL,
                protocol TEXT,
                agent_card TEXT,
                trust_level TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                disabled_at BIGINT,
                disable_reason TEXT
            )
            """,
            "CREATE INDEX agents_org ON agents (org_id, created_at, id)",
        ]),
    ]
}
