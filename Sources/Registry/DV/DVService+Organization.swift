import BadgeCore

/// An organisation's own domain validation, for the admin console: its orders and grants (those
/// created with one of its API keys), and revoking a grant on the organisation's authority instead
/// of a proof by the grant's key. Another organisation's order or grant, or an anonymous one, is
/// not found, exactly like an unknown id.
extension DVService {
    /// One newest-first page of the caller's orders (status evaluated now), and the next page's cursor.
    public func orders(_ principal: Principal, cursor: String?, limit: Int) async throws -> (orders: [DVOrder], nextCursor: String?) {
        let rows = try await store.dvOrders(orgID: principal.orgID, before: try Self.cursor(cursor, limit: limit), limit: limit + 1)
        let now = clock.now()
        let page = rows.prefix(limit).map { order in
            var order = order
            order.status = order.status(at: now)
            return order
        }
        return (page, rows.count > limit ? page.last.map { PageCursor(createdAt: $0.createdAt, id: $0.id).encoded } : nil)
    }

    /// The caller's order `id` with its grant, if finalized.
    public func order(_ principal: Principal, id: String) async throws -> (order: DVOrder, grant: DVGrant?) {
        let order = try await order(id: id)
        guard order.orgID == principal.orgID else { throw Self.orderNotFound }
        return (order, try await grant(of: order))
    }

    /// One newest-first page of the caller's grants, and the next page's cursor.
    public func grants(_ principal: Principal, cursor: String?, limit: Int) async throws -> (grants: [DVGrant], nextCursor: String?) {
        let rows = try await store.dvGrants(orgID: principal.orgID, before: try Self.cursor(cursor, limit: limit), limit: limit + 1)
        let page = Array(rows.prefix(limit))
        return (page, rows.count > limit ? page.last.map { PageCursor(createdAt: $0.issuedAt, id: $0.jti).encoded } : nil)
    }

    /// The caller's grant `jti`.
    public func grant(_ principal: Principal, jti: String) async throws -> DVGrant {
        guard let grant = try await lookupGrant(jti), grant.orgID == principal.orgID else { throw Self.grantNotFound }
        return grant
    }

    /// Revokes the caller's grant `jti` (`grant_already_revoked` when it is), recording
    /// `dv.grant.revoked` with the caller as actor and the reason, if given (at most 200 characters).
    public func revokeGrant(_ principal: Principal, jti: String, reason: String?) async throws -> DVGrant {
        if let reason, reason.count > 200 { throw RegistryError.invalidRequest("reason must be at most 200 characters") }
        let grant = try await grant(principal, jti: jti)
        return try await revoke(grant, actor: principal.actor, details: ["reason": .optional(reason)])
    }

    private static func cursor(_ text: String?, limit: Int) throws -> PageCursor? {
        guard (1...1000).contains(limit) else { throw RegistryError.invalidRequest("limit must be from 1 to 1000") }
        return try text.map { text in
            guard let cursor = PageCursor(encoded: text) else { throw RegistryError.invalidRequest("cursor is not valid") }
            return cursor
        }
    }
}
