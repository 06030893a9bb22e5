import Registry

/// The filtered lists and counts behind the admin console (`AgentQuery`, `BadgeQuery`).
extension SQLQueries {
    public func agents(_ query: AgentQuery) async throws -> [Agent] {
        var phrase: String?
        if let search = query.search { phrase = try await selectiveNamePhrase(search) }
        // With a selective phrase, SQLite (which keeps no statistics to choose by) must start from the
        // trigram index's few candidates: the unary `+` keeps the organisation's list index, which
        // would scan every agent of the organisation, from being used instead.
        let unindexed = phrase == nil ? "" : "+"
        var filter = SQLFilter(unindexed + "org_id", query.orgID)
        filter.add(unindexed + "kind = ?", .text(query.kind.rawValue))
        if let search = query.search {
            // LIKE with the pattern's own wildcards escaped; LOWER on both sides, since SQLite's LIKE
            // ignores ASCII case and PostgreSQL's does not. PostgreSQL's planner serves it from the
            // trigram index (migration 15) when that is selective, and from the list order otherwise.
            let escaped = search.lowercased().replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
            let like = SQLValue.text("%\(escaped)%")
            if let phrase {
                filter.add(
                    """
                    (id IN (SELECT agent_id FROM agent_name_rows WHERE seq IN (SELECT rowid FROM agent_names WHERE agent_names MATCH ?)) \
                    AND LOWER(name) LIKE ? ESCAPE '\\' OR did = ? OR domain = ?)
                    """,
                    .text(phrase), like, .text(search), .text(search)
                )
            } else {
                filter.add("(LOWER(name) LIKE ? ESCAPE '\\' OR did = ? OR domain = ?)", like, .text(search), .text(search))
            }
        }
        if let status = query.status { filter.add("status = ?", .text(status.rawValue)) }
        if let cursor = query.after {
            filter.add("(created_at > ? OR (created_at = ? AND id > ?))", .int(cursor.createdAt), .int(cursor.createdAt), .text(cursor.id))
        }
        let limit = query.limit.map { " LIMIT \(max(0, $0))" } ?? ""
        return try await executor.query("SELECT * FROM agents WHERE \(filter.sql) ORDER BY created_at, id\(limit)", filter.binds)
            .map(Self.agent(from:))
    }

    /// At most this many names matching a search are read through SQLite's trigram index; a search
    /// matching more (a common name part) scans the organisation's list in order instead, which
    /// finds a page of matches early.
    static var indexedNameMatches: Int { 1000 }

    /// On SQLite, `search` as an FTS5 phrase when the trigram index narrows it to fewer than
    /// `indexedNameMatches` names; nil otherwise (PostgreSQL, a search under three characters, which
    /// has no trigram, or a common one).
    private func selectiveNamePhrase(_ search: String) async throws -> String? {
        guard executor.dialect == .sqlite, search.unicodeScalars.count >= 3 else { return nil }
        // A phrase in double quotes (its own quotes doubled) is a literal: no FTS5 query syntax.
        let phrase = "\"" + search.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        let rows = try await executor.query(
            "SELECT COUNT(*) AS n FROM (SELECT rowid FROM agent_names WHERE agent_names MATCH $1 LIMIT \(Self.indexedNameMatches))",
            [.text(phrase)]
        )
        return (try rows.first?.int("n") ?? 0) < Int64(Self.indexedNameMatches) ? phrase : nil
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
