import Registry

/// Console sessions and the console's filtered lists (`AgentQuery`, `BadgeQuery`).
extension StoreConformance {
    static let consoleSessionCases: [ConformanceCase] = [
        ConformanceCase(name: "console sessions round trip, touch, delete and purge") { store in
            let org = try await makeOrg(store)
            let session = ConsoleSession(idHash: uuid(), orgID: org.id, keyHash: uuid(), createdAt: 1000, lastSeenAt: 1000)
            try await store.insertConsoleSession(session)
            try await expect(try await store.consoleSession(idHash: session.idHash) == session, "lookup by hash returns the same row")
            try await expect(try await store.consoleSession(idHash: "nope") == nil, "unknown hash is nil")
            try await expectThrows("duplicate id hash", { try await store.insertConsoleSession(session) },
                                   matches: { if case StoreError.uniqueViolation = $0 { true } else { false } })
            try await expect(try await store.touchConsoleSession(idHash: session.idHash, at: 2000), "touch finds it")
            try await expect(try await store.consoleSession(idHash: session.idHash)?.lastSeenAt == 2000, "touch stored")
            try await expect(try await store.touchConsoleSession(idHash: "nope", at: 2000) == false, "touching nothing is false")
            let old = ConsoleSession(idHash: uuid(), orgID: org.id, keyHash: uuid(), createdAt: 10, lastSeenAt: 1500)
            let idle = ConsoleSession(idHash: uuid(), orgID: org.id, keyHash: uuid(), createdAt: 1200, lastSeenAt: 1200)
            try await store.insertConsoleSession(old)
            try await store.insertConsoleSession(idle)
            try await expect(try await store.purgeConsoleSessions(idleBefore: 1300, createdBefore: 100) == 2, "the idle and the old session go")
            try await expect(try await store.consoleSession(idHash: session.idHash) != nil, "the live session stays")
            let user = ConsoleSession(idHash: uuid(), orgID: org.id, keyHash: nil, userID: uuid(), createdAt: 1000, lastSeenAt: 1000)
            try await store.insertConsoleSession(user)
            try await expect(try await store.consoleSession(idHash: user.idHash) == user, "a user's session keeps its user and no key")
            try await expect(try await store.deleteConsoleSession(idHash: session.idHash), "delete finds it")
            try await expect(try await store.deleteConsoleSession(idHash: session.idHash) == false, "a second delete finds nothing")
            try await expect(try await store.consoleSession(idHash: session.idHash) == nil, "gone")
        },
    ]

    static let listingCases: [ConformanceCase] = [
        ConformanceCase(name: "agent search: name part in any case, exact DID or domain, status, org, keyset pages") { store in
            let org = try await makeOrg(store)
            let other = try await makeOrg(store)
            var alpha = makeAgent(org, did: "did:key:z6MkAlpha\(uuid())", at: 100)
            alpha.name = "Alpha_100% Bot"
            var beta = makeAgent(org, at: 200)
            beta.name = "beta"
            beta.domain = "beta.example"
            beta.status = .disabled
            var gamma = makeAgent(org, at: 300)
            gamma.name = "Gamma bot"
            var foreign = makeAgent(other, at: 150)
            foreign.name = "alpha elsewhere"
            var server = makeAgent(org, at: 250)
            server.kind = .mcpServer
            server.name = "Server bot"
            for agent in [gamma, foreign, beta, alpha, server] { try await store.insertAgent(agent) }
            func names(_ query: AgentQuery) async throws -> [String] { try await store.agents(query).map(\.name) }
            try await expect(try await names(AgentQuery(orgID: org.id)) == ["Alpha_100% Bot", "beta", "Gamma bot"], "all, oldest first, own org only")
            try await expect(try await names(AgentQuery(orgID: org.id, search: "BOT")) == ["Alpha_100% Bot", "Gamma bot"], "name part, any case")
            try await expect(try await names(AgentQuery(orgID: org.id, search: "_100%")) == ["Alpha_100% Bot"], "LIKE wildcards are literal")
            try await expect(try await names(AgentQuery(orgID: org.id, search: "alph_")) == [], "an underscore is not a wildcard")
            try await expect(try await names(AgentQuery(orgID: org.id, search: alpha.did)) == ["Alpha_100% Bot"], "exact DID")
            try await expect(try await names(AgentQuery(orgID: org.id, search: "beta.example")) == ["beta"], "exact domain")
            try await expect(try await names(AgentQuery(orgID: org.id, status: .disabled)) == ["beta"], "status")
            try await expect(try await names(AgentQuery(orgID: org.id, search: "alpha elsewhere")) == [], "another org's agent is invisible")
            let first = try await store.agents(AgentQuery(orgID: org.id, limit: 2))
            try await expect(first.map(\.name) == ["Alpha_100% Bot", "beta"], "first page")
            let cursor = PageCursor(createdAt: first[1].createdAt, id: first[1].id)
            try await expect(try await names(AgentQuery(orgID: org.id, after: cursor, limit: 2)) == ["Gamma bot"], "next page after the cursor")
            try await expect(try await store.countAgents(orgID: org.id, kind: .agent) == 3, "count of the org's agents")
            try await expect(try await names(AgentQuery(orgID: org.id, kind: .mcpServer, search: "bot")) == ["Server bot"], "servers are their own kind")
            try await expect(try await store.countAgents(orgID: org.id, kind: .mcpServer) == 1, "count of the org's servers")
        },
        // A distinctive name part is what SQLite answers from its trigram index (migration 15): the
        // index must follow every insert, rename and delete, and agree with the plain scan.
        ConformanceCase(name: "agent search by a rare name part follows renames and deletes, pages, quotes") { store in
            let org = try await makeOrg(store)
            let tag = "q" + uuid().prefix(8).lowercased()
            var first = makeAgent(org, at: 100)
            first.name = "First \"\(tag)\" Agent"
            var second = makeAgent(org, at: 200)
            second.name = "second-\(tag.uppercased())"
            var third = makeAgent(org, at: 300)
            third.name = "third-\(tag)"
            third.status = .disabled
            for agent in [third, first, second] { try await store.insertAgent(agent) }
            func names(_ search: String, status: AgentStatus? = nil, after: Agent? = nil, limit: Int? = nil) async throws -> [String] {
                let cursor = after.map { PageCursor(createdAt: $0.createdAt, id: $0.id) }
                return try await store.agents(AgentQuery(orgID: org.id, search: search, status: status, after: cursor, limit: limit)).map(\.name)
            }
            try await expect(try await names(tag) == [first.name, second.name, third.name], "every agent with the part, in any case, oldest first")
            try await expect(try await names("\"\(tag)\"") == [first.name], "a double quote is a literal character")
            try await expect(try await names(tag, limit: 2) == [first.name, second.name], "first page")
            try await expect(try await names(tag, after: second, limit: 2) == [third.name], "next page after the cursor")
            try await expect(try await names(tag, status: .disabled) == [third.name], "with a status filter")
            try await expect(try await names("rd-\(tag)") == [third.name], "a part across the separator")
            second.name = "renamed \(String(tag.reversed()))"
            try await expect(try await store.updateAgent(second), "rename stored")
            try await expect(try await names(tag) == [first.name, third.name], "a renamed agent no longer matches its old name")
            try await expect(try await names(String(tag.reversed())) == [second.name], "and matches its new one")
            try await expect(try await store.deleteAgent(id: third.id, orgID: org.id), "delete")
            try await expect(try await names(tag) == [first.name], "a deleted agent is gone from the search")
            try await expect(try await names("aG") == [first.name], "a part under three characters (no trigram) in any case")
            try await expect(try await names("First") == [first.name], "a common part finds its agent too")
        },
        ConformanceCase(name: "badge listing: newest first, filters, status at a time, org, keyset pages, counts") { store in
            let org = try await makeOrg(store)
            let other = try await makeOrg(store)
            func badge(_ jti: String, at issued: Int64, expires: Int64, revoked: Int64? = nil, level: String = "1", agent: String? = nil, in owner: Organization? = nil) -> BadgeRecord {
                var record = makeBadge(owner ?? org, jti: "\(jti)-\(uuid())", expiresAt: expires, revokedAt: revoked)
                record.issuedAt = issued
                record.level = level
                record.agentID = agent
                return record
            }
            let agentID = uuid()
            let old = badge("a", at: 100, expires: 500)
            let revoked = badge("b", at: 200, expires: 5000, revoked: 300, level: "2", agent: agentID)
            let live = badge("c", at: 300, expires: 5000, agent: agentID)
            let sameTime = badge("d", at: 300, expires: 5000, level: "2")
            let foreign = badge("e", at: 250, expires: 5000, in: other)
            for record in [live, foreign, old, sameTime, revoked] { try await store.insertBadge(record) }
            func jtis(_ query: BadgeQuery) async throws -> [String] { try await store.badges(query).map(\.jti) }
            let newest = [sameTime, live].sorted { $0.jti > $1.jti }.map(\.jti)
            try await expect(try await jtis(BadgeQuery(orgID: org.id, now: 1000)) == newest + [revoked.jti, old.jti], "newest first, jti descending on ties, own org only")
            try await expect(try await jtis(BadgeQuery(orgID: org.id, filter: .init(status: .revoked), now: 1000)) == [revoked.jti], "revoked")
            try await expect(try await jtis(BadgeQuery(orgID: org.id, filter: .init(status: .expired), now: 1000)) == [old.jti], "expired at now")
            try await expect(try await jtis(BadgeQuery(orgID: org.id, filter: .init(status: .active), now: 1000)) == newest, "active at now")
            try await expect(try await jtis(BadgeQuery(orgID: org.id, filter: .init(status: .active), now: 400)).count == 3, "the old badge is active at 400")
            try await expect(Set(try await jtis(BadgeQuery(orgID: org.id, filter: .init(level: "2"), now: 1000))) == [sameTime.jti, revoked.jti], "level filter")
            try await expect(try await jtis(BadgeQuery(orgID: org.id, filter: .init(agentID: agentID), now: 1000)) == [live.jti, revoked.jti], "agent")
            try await expect(try await jtis(BadgeQuery(orgID: org.id, filter: .init(subject: live.subject), now: 1000)) == [live.jti], "subject")
            try await expect(try await jtis(BadgeQuery(orgID: org.id, filter: .init(issuedSince: 200, issuedUntil: 299), now: 1000)) == [revoked.jti], "issued between, inclusive")
            let page = try await store.badges(BadgeQuery(orgID: org.id, now: 1000, limit: 2))
            let cursor = BadgeCursor(issuedAt: page[1].issuedAt, jti: page[1].jti)
            try await expect(try await jtis(BadgeQuery(orgID: org.id, now: 1000, before: cursor, limit: 2)) == [revoked.jti, old.jti], "next page before the cursor")
            try await expect(try await store.countBadges(BadgeQuery(orgID: org.id, now: 1000)) == 4, "count ignores other orgs")
            try await expect(try await store.countBadges(BadgeQuery(orgID: org.id, filter: .init(status: .active), now: 1000, limit: 1)) == 2, "count ignores the limit")
        },
    ]
}
