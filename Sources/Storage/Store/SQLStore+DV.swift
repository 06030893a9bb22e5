import Registry

extension SQLQueries {
    public func insertDVOrder(_ o: DVOrder) async throws {
        try await executor.query(
            """
            INSERT INTO dv_orders (order_id, domain, challenge_type, token, jkt, org_id, client_ip, status, failed_attempts,
                created_at, expires_at, finalized_at, grant_jti, validated_via, validated_target, validated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
            """,
            [
                .text(o.id), .text(o.domain), .text(o.challengeType.rawValue), .text(o.token), .text(o.thumbprint), .optional(o.orgID),
                .optional(o.clientIP), .text(o.status.rawValue), .int(Int64(o.failedAttempts)), .int(o.createdAt), .int(o.expiresAt),
                .optional(o.finalizedAt), .optional(o.grantJTI), .optional(o.validatedVia), .optional(o.validatedTarget),
                .optional(o.validatedAt),
            ]
        )
    }

    public func dvOrder(id: String) async throws -> DVOrder? {
        try await executor.query("SELECT * FROM dv_orders WHERE order_id = $1", [.text(id)]).first.map(Self.order)
    }

    public func dvOrders(orgID: String, before: PageCursor?, limit: Int) async throws -> [DVOrder] {
        try await newestFirst("dv_orders", time: "created_at", id: "order_id", orgID: orgID, before: before, limit: limit).map(Self.order)
    }

    /// An organisation's rows of `table` newest first by (`time`, `id`), after `before`, at most `limit`.
    private func newestFirst(_ table: String, time: String, id: String, orgID: String, before: PageCursor?, limit: Int) async throws -> [SQLRow] {
        var filter = SQLFilter("org_id", orgID)
        if let before {
            filter.add("(\(time) < ? OR (\(time) = ? AND \(id) < ?))", .int(before.createdAt), .int(before.createdAt), .text(before.id))
        }
        return try await executor.query(
            "SELECT * FROM \(table) WHERE \(filter.sql) ORDER BY \(time) DESC, \(id) DESC LIMIT \(max(0, limit))", filter.binds
        )
    }

    public func updateDVOrder(_ o: DVOrder, expectedStatus: DVOrder.Status) async throws -> Bool {
        !(try await executor.query(
            """
            UPDATE dv_orders SET status = $2, failed_attempts = $3, finalized_at = $4, grant_jti = $5, validated_via = $6,
                validated_target = $7, validated_at = $8
            WHERE order_id = $1 AND status = $9 RETURNING order_id
            """,
            [
                .text(o.id), .text(o.status.rawValue), .int(Int64(o.failedAttempts)), .optional(o.finalizedAt), .optional(o.grantJTI),
                .optional(o.validatedVia), .optional(o.validatedTarget), .optional(o.validatedAt), .text(expectedStatus.rawValue),
            ]
        )).isEmpty
    }

    public func countOutstandingDVOrders(domain: String, now: Int64) async throws -> Int {
        let rows = try await executor.query(
            "SELECT COUNT(*) AS n FROM dv_orders WHERE domain = $1 AND status = 'pending' AND expires_at > $2", [.text(domain), .int(now)]
        )
        return Int(try rows.first?.int("n") ?? 0)
    }

    public func countOutstandingDVOrders(clientIP: String, now: Int64) async throws -> Int {
        let rows = try await executor.query(
            "SELECT COUNT(*) AS n FROM dv_orders WHERE client_ip = $1 AND status = 'pending' AND expires_at > $2", [.text(clientIP), .int(now)]
        )
        return Int(try rows.first?.int("n") ?? 0)
    }

    public func insertDVGrant(_ g: DVGrant, logEntry: LogEntryRecord?) async throws -> Int64? {
        var logIndex: Int64?
        if let logEntry { logIndex = try await sequenceLogEntries(try LogBatch.Prepared([logEntry])) }
        try await executor.query(
            """
            INSERT INTO dv_grants (jti, domain, jkt, org_id, order_id, token, issued_at, expires_at, revoked_at, log_index)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            """,
            [
                .text(g.jti), .text(g.domain), .text(g.thumbprint), .optional(g.orgID), .text(g.orderID), .text(g.token),
                .int(g.issuedAt), .int(g.expiresAt), .optional(g.revokedAt), .optional(logIndex),
            ]
        )
        return logIndex
    }

    public func dvGrant(jti: String) async throws -> DVGrant? {
        try await executor.query("SELECT * FROM dv_grants WHERE jti = $1", [.text(jti)]).first.map(Self.grant)
    }

    public func dvGrants(orgID: String, before: PageCursor?, limit: Int) async throws -> [DVGrant] {
        try await newestFirst("dv_grants", time: "issued_at", id: "jti", orgID: orgID, before: before, limit: limit).map(Self.grant)
    }

    public func activeDVGrants(domain: String, now: Int64) async throws -> [DVGrant] {
        try await executor.query(
            "SELECT * FROM dv_grants WHERE domain = $1 AND revoked_at IS NULL AND expires_at > $2 ORDER BY issued_at, jti",
            [.text(domain), .int(now)]
        ).map(Self.grant)
    }

    public func revokeDVGrant(jti: String, at: Int64) async throws -> Bool {
        !(try await executor.query(
            "UPDATE dv_grants SET revoked_at = $2 WHERE jti = $1 AND revoked_at IS NULL RETURNING jti", [.text(jti), .int(at)]
        )).isEmpty
    }

    public func insertMintedBadge(jti: String, subject: String, agentSegment: String?, grantJTI: String, expiresAt: Int64) async throws {
        try await executor.query(
            "INSERT INTO dv_minted_badges (jti, subject, agent_segment, grant_jti, expires_at) VALUES ($1, $2, $3, $4, $5)",
            [.text(jti), .text(subject), .optional(agentSegment), .text(grantJTI), .int(expiresAt)]
        )
    }

    public func liveMintedSubject(subject: String, now: Int64) async throws -> String? {
        try await executor.query(
            """
            SELECT m.subject FROM dv_minted_badges m JOIN badges b ON b.jti = m.jti
            WHERE m.subject = $1 AND m.expires_at > $2 AND b.revoked_at IS NULL LIMIT 1
            """,
            [.text(subject), .int(now)]
        ).first.map { try $0.string("subject") }
    }

    public func liveMintedSubjects(agentSegment: String, now: Int64) async throws -> [String] {
        try await executor.query(
            """
            SELECT DISTINCT m.subject FROM dv_minted_badges m JOIN badges b ON b.jti = m.jti
            WHERE m.agent_segment = $1 AND m.expires_at > $2 AND b.revoked_at IS NULL ORDER BY m.subject LIMIT 10
            """,
            [.text(agentSegment), .int(now)]
        ).map { try $0.string("subject") }
    }

    private static func order(_ row: SQLRow) throws -> DVOrder {
        guard let type = DVChallengeType(rawValue: try row.string("challenge_type")),
              let status = DVOrder.Status(rawValue: try row.string("status")) else {
            throw SQLRowError.unexpected("dv_orders.status")
        }
        return DVOrder(
            id: try row.string("order_id"), domain: try row.string("domain"), challengeType: type, token: try row.string("token"),
            thumbprint: try row.string("jkt"), orgID: try row.optionalString("org_id"), clientIP: try row.optionalString("client_ip"),
            status: status, failedAttempts: Int(try row.int("failed_attempts")), createdAt: try row.int("created_at"),
            expiresAt: try row.int("expires_at"), finalizedAt: try row.optionalInt("finalized_at"),
            grantJTI: try row.optionalString("grant_jti"), validatedVia: try row.optionalString("validated_via"),
            validatedTarget: try row.optionalString("validated_target"), validatedAt: try row.optionalInt("validated_at")
        )
    }

    private static func grant(_ row: SQLRow) throws -> DVGrant {
        DVGrant(
            jti: try row.string("jti"), domain: try row.string("domain"), thumbprint: try row.string("jkt"),
            orgID: try row.optionalString("org_id"), orderID: try row.string("order_id"), token: try row.string("token"),
            issuedAt: try row.int("issued_at"), expiresAt: try row.int("expires_at"), revokedAt: try row.optionalInt("revoked_at"),
            logIndex: try row.optionalInt("log_index")
        )
    }
}
