import Registry

extension MemoryQueries {
    public func insertDVOrder(_ order: DVOrder) async throws {
        try await memory.write { state in
            try state.unique("dv_orders.order_id", state.dvOrders[order.id] != nil)
            try state.unique("dv_orders.token", state.dvOrders.values.contains { $0.token == order.token })
            state.dvOrders[order.id] = order
        }
    }

    public func dvOrder(id: String) async throws -> DVOrder? {
        try await memory.read { $0.dvOrders[id] }
    }

    public func dvOrders(orgID: String, before: PageCursor?, limit: Int) async throws -> [DVOrder] {
        try await memory.read { state in
            Self.newestFirst(state.dvOrders.values.filter { $0.orgID == orgID }, key: { ($0.createdAt, $0.id) }, before: before, limit: limit)
        }
    }

    /// `rows` by `key` descending, only those after `before` in that order, at most `limit`.
    private static func newestFirst<Row>(_ rows: [Row], key: (Row) -> (Int64, String), before: PageCursor?, limit: Int) -> [Row] {
        Array(rows
            .filter { row in before.map { key(row) < ($0.createdAt, $0.id) } ?? true }
            .sorted { key($0) > key($1) }
            .prefix(max(0, limit)))
    }

    /// Writes only the columns finalize changes, and only while the stored status is `expectedStatus`.
    public func updateDVOrder(_ order: DVOrder, expectedStatus: DVOrder.Status) async throws -> Bool {
        try await memory.write { state in
            guard var stored = state.dvOrders[order.id], stored.status == expectedStatus else { return false }
            stored.status = order.status
            stored.failedAttempts = order.failedAttempts
            stored.finalizedAt = order.finalizedAt
            stored.grantJTI = order.grantJTI
            stored.validatedVia = order.validatedVia
            stored.validatedTarget = order.validatedTarget
            stored.validatedAt = order.validatedAt
            state.dvOrders[order.id] = stored
            return true
        }
    }

    public func countOutstandingDVOrders(domain: String, now: Int64) async throws -> Int {
        try await memory.read { state in state.dvOrders.values.filter { $0.domain == domain && $0.isOutstanding(at: now) }.count }
    }

    public func countOutstandingDVOrders(clientIP: String, now: Int64) async throws -> Int {
        try await memory.read { state in state.dvOrders.values.filter { $0.clientIP == clientIP && $0.isOutstanding(at: now) }.count }
    }

    public func insertDVGrant(_ grant: DVGrant, logEntry: LogEntryRecord?) async throws -> Int64? {
        try await memory.write { state in
            try state.unique("dv_grants.jti", state.dvGrants[grant.jti] != nil)
            var stored = grant
            // The index is the store's to give, as in the SQL store.
            stored.logIndex = try logEntry.map { try state.sequence($0) }
            state.dvGrants[grant.jti] = stored
            return stored.logIndex
        }
    }

    public func dvGrant(jti: String) async throws -> DVGrant? {
        try await memory.read { $0.dvGrants[jti] }
    }

    public func dvGrants(orgID: String, before: PageCursor?, limit: Int) async throws -> [DVGrant] {
        try await memory.read { state in
            Self.newestFirst(state.dvGrants.values.filter { $0.orgID == orgID }, key: { ($0.issuedAt, $0.jti) }, before: before, limit: limit)
        }
    }

    public func activeDVGrants(domain: String, now: Int64) async throws -> [DVGrant] {
        try await memory.read { state in
            state.dvGrants.values
                .filter { $0.domain == domain && $0.revokedAt == nil && $0.expiresAt > now }
                .sorted { ($0.issuedAt, $0.jti) < ($1.issuedAt, $1.jti) }
        }
    }

    public func revokeDVGrant(jti: String, at: Int64) async throws -> Bool {
        try await memory.write { state in
            guard var grant = state.dvGrants[jti], grant.revokedAt == nil else { return false }
            grant.revokedAt = at
            state.dvGrants[jti] = grant
            return true
        }
    }

    public func insertMintedBadge(jti: String, subject: String, agentSegment: String?, grantJTI: String, expiresAt: Int64) async throws {
        try await memory.write { state in
            try state.unique("dv_minted_badges.jti", state.mintedBadges[jti] != nil)
            state.mintedBadges[jti] = MintedBadge(jti: jti, subject: subject, agentSegment: agentSegment, grantJTI: grantJTI, expiresAt: expiresAt)
        }
    }

    public func liveMintedSubject(subject: String, now: Int64) async throws -> String? {
        try await memory.read { state in state.liveMinted(at: now).first { $0.subject == subject }?.subject }
    }

    /// At most 10, ordered by subject.
    public func liveMintedSubjects(agentSegment: String, now: Int64) async throws -> [String] {
        try await memory.read { state in
            Array(Set(state.liveMinted(at: now).filter { $0.agentSegment == agentSegment }.map(\.subject)).sorted().prefix(10))
        }
    }
}

extension DVOrder {
    /// Pending and not yet expired: what the per-domain and per-client limits count.
    fileprivate func isOutstanding(at now: Int64) -> Bool { status == .pending && expiresAt > now }
}

extension MemoryState {
    /// Minted badges unexpired at `now` whose ledger entry exists and is unrevoked (the join with `badges`).
    func liveMinted(at now: Int64) -> [MintedBadge] {
        mintedBadges.values.filter { minted in
            guard minted.expiresAt > now, let badge = badges[minted.jti] else { return false }
            return badge.revokedAt == nil
        }
    }
}
