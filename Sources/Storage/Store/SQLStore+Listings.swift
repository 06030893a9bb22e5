import Registry

/// The filtered lists and counts behind the admin console (`AgentQuery`, `BadgeQuery`).
extension SQLQueries {
    public func agents(_ query: AgentQuery) async throws -> [Agent] {
        var filter = SQLFilter("org_id", query.orgID)
        filter.add("kind = ?", .text(query.kind.rawValue))
        if let status = query.status { filter.add("status = ?", .text(status.rawValue)) }
        if let search = query.search {
            // LIKE with the pattern's own wildcards escaped; LOWER on both sides, since SQLite's LIKE
            // ignores ASCII case and PostgreSQL's does not.
            let escaped = search.lowercased().replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
            filter.add("(LOWER(name) LIKE ? ESCAPE '\\' OR did = ? OR domain = ?)", .text("%\(escaped)%"), .text(search), .text(search))
        }
        if let cursor = query.after {
            filter.add("(created_at > ? OR (created_at = ? AND id > ?))", .int(cursor.createdAt), .int(cursor.createdAt), .text(cursor.id))
        }
        let limit = query.limit.map { " LIMIT \(max(0, $0))" } ?? ""
        return try await executor.query("SELECT * FROM agents WHERE \(filter.sql) ORDER BY created_at, id\(limit)", filter.binds)
            .map(Self.agent(from:))
    }

    public func countAgents(orgID: String, kind: AgentKind) async throws -> Int {
        let rows = try await executor.query("SELECT COUNT(*) AS n FROM agents WHERE org_id = $1 AND kind = $2", [.text(orgID), .text(kind.rawValue)])
        return Int(try rows.first?.int("n") ?? 0)
    }

    public func badges(_ query: BadgeQuery) async throws -> [BadgeRecord] {
        var filter = Self.badgeFilter(query)
        if let cursor = query.before {
            filter.add("(issued_at < ? OR (issued_at = ? AND jti < ?))", .int(cursor.issuedAt), .int(cursor.issuedAt), .text(cursor.jti))
        }
        let limit = query.limit.map { " LIMIT \(max(0, $0))" } ?? ""
        return try await executor.query("SELECT * FROM badges WHERE \(filter.sql) ORDER BY issued_at DESC, jti DESC\(limit)", filter.binds)
            .map(Self.badge(from:))
    }

    public func countBadges(_ query: BadgeQuery) async throws -> Int {
        let filter = Self.badgeFilter(query)
        return Int(try await executor.query("SELECT COUNT(*) AS n FROM badges WHERE \(filter.sql)", filter.binds).first?.int("n") ?? 0)
    }

    /// `BadgeQuery.matches` as a WHERE clause.
    private static func badgeFilter(_ query: BadgeQuery) -> SQLFilter {
        var filter = SQLFilter("org_id", query.orgID)
        if let subject = query.filter.subject { filter.add("subject = ?", .text(subject)) }
        if let agentID = query.filter.agentID { filter.add("agent_id = ?", .text(agentID)) }
        if let level = query.filter.level { filter.add("level = ?", .text(level)) }
        if let since = query.filter.issuedSince { filter.add("issued_at >= ?", .int(since)) }
        if let until = query.filter.issuedUntil { filter.add("issued_at <= ?", .int(until)) }
        switch query.filter.status {
        case .revoked?: filter.add("revoked_at IS NOT NULL")
        case .active?: filter.add("revoked_at IS NULL AND expires_at > ?", .int(query.now))
        case .expired?: filter.add("revoked_at IS NULL AND expires_at <= ?", .int(query.now))
        case nil: break
        }
        return filter
    }
}

/// A WHERE clause built from conditions joined by AND, each `?` numbered as the next `$n`.
struct SQLFilter {
    private(set) var sql: String
    private(set) var binds: [SQLValue]

    /// Starts with `column = value`.
    init(_ column: String, _ value: String) {
        sql = "\(column) = $1"
        binds = [.text(value)]
    }

    mutating func add(_ condition: String, _ values: SQLValue...) {
        var numbered = ""
        var next = values.makeIterator()
        for character in condition {
            if character == "?", let value = next.next() {
                binds.append(value)
                numbered += "$\(binds.count)"
            } else {
                numbered.append(character)
            }
        }
        sql += " AND \(numbered)"
    }
}
