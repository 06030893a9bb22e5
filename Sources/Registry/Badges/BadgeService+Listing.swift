/// The caller's own ledger, for the admin console: filtered pages, counts and one badge.
extension BadgeService {
    /// One newest-first page of the caller's badges matching `filter`, and the cursor of the next.
    public func list(_ principal: Principal, _ filter: BadgeFilter, cursor: String?, limit: Int) async throws -> (badges: [BadgeRecord], nextCursor: String?) {
        guard (1...1000).contains(limit) else { throw RegistryError.invalidRequest("limit must be from 1 to 1000") }
        let before = try cursor.map { text in
            guard let parsed = PageCursor(encoded: text) else { throw RegistryError.invalidRequest("cursor is not valid") }
            return BadgeCursor(issuedAt: parsed.createdAt, jti: parsed.id)
        }
        let rows = try await store.badges(query(principal, filter, before: before, limit: limit + 1))
        guard rows.count > limit else { return (rows, nil) }
        let page = Array(rows.prefix(limit))
        return (page, page.last.map { PageCursor(createdAt: $0.issuedAt, id: $0.jti).encoded })
    }

    /// How many of the caller's badges match `filter`.
    public func count(_ principal: Principal, _ filter: BadgeFilter) async throws -> Int {
        try await store.countBadges(query(principal, filter, before: nil, limit: nil))
    }

    /// The caller's badge `jti`; another organisation's is `badge_not_found`.
    public func get(_ principal: Principal, jti: String) async throws -> BadgeRecord {
        guard let badge = try await status(jti: jti), badge.orgID == principal.orgID else { throw Self.badgeNotFound }
        return badge
    }

    private func query(_ principal: Principal, _ filter: BadgeFilter, before: BadgeCursor?, limit: Int?) -> BadgeQuery {
        BadgeQuery(orgID: principal.orgID, filter: filter, now: clock.now(), before: before, limit: limit)
    }
}
