import Registry

extension SQLQueries {
    public func caKeys() async throws -> [CAKeyRecord] {
        try await executor.query("SELECT * FROM ca_keys ORDER BY created_at, kid").map(Self.caKey(from:))
    }

    public func insertCAKey(_ key: CAKeyRecord) async throws {
        try await executor.query(
            """
            INSERT INTO ca_keys (kid, public_jwk, state, created_at, activated_at, retired_at)
            VALUES ($1, $2, $3, $4, $5, $6)
            """,
            [
                .text(key.kid), .text(key.publicJWK), .text(key.state.rawValue), .int(key.createdAt),
                .optional(key.activatedAt), .optional(key.retiredAt),
            ]
        )
    }

    public func kidsWithUnexpiredBadges(_ kids: [String], now: Int64) async throws -> Set<String> {
        guard !kids.isEmpty else { return [] }
        let placeholders = (0..<kids.count).map { "$\($0 + 2)" }.joined(separator: ", ")
        let rows = try await executor.query(
            "SELECT DISTINCT kid FROM badges WHERE expires_at > $1 AND kid IN (\(placeholders))",
            [.int(now)] + kids.map(SQLValue.text)
        )
        return Set(try rows.map { try $0.string("kid") })
    }

    static func caKey(from row: SQLRow) throws -> CAKeyRecord {
        guard let state = CAKeyRecord.State(rawValue: try row.string("state")) else { throw SQLRowError.unexpected("state") }
        return CAKeyRecord(
            kid: try row.string("kid"), publicJWK: try row.string("public_jwk"), state: state,
            createdAt: try row.int("created_at"), activatedAt: try row.optionalInt("activated_at"),
            retiredAt: try row.optionalInt("retired_at")
        )
    }
}

extension SQLStore {
    /// Advisory lock serialising CA key state changes across server processes ("CAKEYS" in
    /// ASCII); distinct from `Migrator.advisoryLock`.
    static let caKeyLock: Int64 = 0x4341_4B45_5953

    /// The candidate is stored active with `activated_at` = its `activatedAt`, or its `createdAt`
    /// when it has none. A kid already stored (prepared or retired) keeps its stored public key.
    public func ensureActiveCAKey(_ candidate: CAKeyRecord) async throws -> CAKeyRecord {
        try await database.transaction(lock: Self.caKeyLock) { tx in
            if let active = try await tx.query("SELECT * FROM ca_keys WHERE state = 'active'").first {
                return try Self.caKey(from: active)
            }
            let rows = try await tx.query(
                """
                INSERT INTO ca_keys (kid, public_jwk, state, created_at, activated_at, retired_at)
                VALUES ($1, $2, 'active', $3, $4, NULL)
                ON CONFLICT (kid) DO UPDATE SET state = 'active', activated_at = $4, retired_at = NULL
                RETURNING *
                """,
                [.text(candidate.kid), .text(candidate.publicJWK), .int(candidate.createdAt), .int(candidate.activatedAt ?? candidate.createdAt)]
            )
            guard let row = rows.first else { throw SQLRowError.unexpected("ca_keys") }
            let active = try Self.caKey(from: row)
            let at = active.activatedAt ?? active.createdAt
            try await SQLStatements(executor: tx).recordTrustChanges([.caKey(kid: active.kid, state: .active, at: at)], at: at)
            return active
        }
    }

    /// Activating the key that is already active changes nothing and keeps its activation time.
    public func activateCAKey(kid: String, at: Int64) async throws -> Bool {
        try await database.transaction(lock: Self.caKeyLock) { tx in
            guard !(try await tx.query("SELECT kid FROM ca_keys WHERE kid = $1", [.text(kid)])).isEmpty else { return false }
            // Retire first: the unique index ca_keys_one_active rejects a moment with two active keys.
            let retired = try await tx.query(
                "UPDATE ca_keys SET state = 'retired', retired_at = $1 WHERE state = 'active' AND kid <> $2 RETURNING kid",
                [.int(at), .text(kid)]
            )
            let activated = try await tx.query(
                "UPDATE ca_keys SET state = 'active', activated_at = $1, retired_at = NULL WHERE kid = $2 AND state <> 'active' RETURNING kid",
                [.int(at), .text(kid)]
            )
            let changes = try retired.map { TrustChange.caKey(kid: try $0.string("kid"), state: .retired, at: at) }
                + (activated.isEmpty ? [] : [TrustChange.caKey(kid: kid, state: .active, at: at)])
            if !changes.isEmpty { try await SQLStatements(executor: tx).recordTrustChanges(changes, at: at) }
            return true
        }
    }
}
