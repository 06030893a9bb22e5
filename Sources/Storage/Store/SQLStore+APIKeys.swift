import Registry

extension SQLQueries {
    public func insertAPIKey(_ key: APIKeyRecord) async throws {
        try await executor.query(
            """
            INSERT INTO api_keys (id, org_id, name, prefix, key_hash, scopes, created_at, last_used_at, expires_at, revoked_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            """,
            [
                .text(key.id), .text(key.orgID), .text(key.name), .text(key.prefix), .text(key.hash),
                .text(key.scopes.joined(separator: " ")), .int(key.createdAt), .optional(key.lastUsedAt),
                .optional(key.expiresAt), .optional(key.revokedAt),
            ]
        )
    }

    public func apiKey(hash: String) async throws -> APIKeyRecord? {
        try await executor.query("SELECT * FROM api_keys WHERE key_hash = $1", [.text(hash)]).first.map(Self.apiKey(from:))
    }

    /// The keys with these hashes, in one statement (the group read of authentications).
    func apiKeys(hashes: [String]) async throws -> [APIKeyRecord] {
        guard !hashes.isEmpty else { return [] }
        return try await executor.query(APIKeysByHash.self, ids: hashes).map(Self.apiKey(from:))
    }

    public func apiKeys(orgID: String?) async throws -> [APIKeyRecord] {
        let rows = if let orgID {
            try await executor.query("SELECT * FROM api_keys WHERE org_id = $1 ORDER BY created_at, id", [.text(orgID)])
        } else {
            try await executor.query("SELECT * FROM api_keys ORDER BY created_at, id")
        }
        return try rows.map(Self.apiKey(from:))
    }

    public func revokeAPIKey(id: String, orgID: String?, at: Int64) async throws -> Bool {
        let rows = if let orgID {
            try await executor.query(
                "UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND org_id = $3 AND revoked_at IS NULL RETURNING id",
                [.int(at), .text(id), .text(orgID)]
            )
        } else {
            try await executor.query(
                "UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL RETURNING id",
                [.int(at), .text(id)]
            )
        }
        return !rows.isEmpty
    }

    public func touchAPIKey(id: String, at: Int64) async throws {
        try await executor.query("UPDATE api_keys SET last_used_at = $1 WHERE id = $2", [.int(at), .text(id)])
    }

    static func apiKey(from row: SQLRow) throws -> APIKeyRecord {
        APIKeyRecord(
            id: try row.string("id"), orgID: try row.string("org_id"), name: try row.string("name"),
            prefix: try row.string("prefix"), hash: try row.string("key_hash"),
            scopes: try row.string("scopes").split(separator: " ").map(String.init),
            createdAt: try row.int("created_at"), lastUsedAt: try row.optionalInt("last_used_at"),
            expiresAt: try row.optionalInt("expires_at"), revokedAt: try row.optionalInt("revoked_at")
        )
    }
}

/// The API keys with the hashes named (the batched read of authentications), with the columns
/// `apiKey(from:)` reads.
enum APIKeysByHash: IDListSQL {
    static func sql(ids: String) -> String {
        "SELECT id, org_id, name, prefix, key_hash, scopes, created_at, last_used_at, expires_at, revoked_at FROM api_keys WHERE key_hash \(ids)"
    }
}
