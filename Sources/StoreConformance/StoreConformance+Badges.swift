import Registry

extension StoreConformance {
    static func makeBadge(
        _ org: Organization, jti: String = uuid(), kid: String = "kid-1", expiresAt: Int64 = 1_700_003_600,
        revokedAt: Int64? = nil
    ) -> BadgeRecord {
        BadgeRecord(
            jti: jti, orgID: org.id, agentID: uuid(), subject: "did:key:z6Mk\(jti)", level: "2", ial: "1", kid: kid,
            issuedAt: 1_700_000_000, expiresAt: expiresAt, audience: ["https://a.example", "b c", ""],
            revokedAt: revokedAt, revocationReason: revokedAt.map { "reason \($0)" }
        )
    }

    static let badgeCases: [ConformanceCase] = [
        ConformanceCase(name: "badge round trip keeps every field") { store in
            let org = try await makeOrg(store)
            let full = makeBadge(org, revokedAt: 42)
            var bare = makeBadge(org)
            bare.agentID = nil
            bare.audience = []
            var single = makeBadge(org)
            single.audience = [#"quote " and \ backslash é"#]
            for badge in [full, bare, single] { try await store.insertBadge(badge) }
            try await expect(try await store.badge(jti: full.jti) == full, "several audiences, revocation")
            try await expect(try await store.badge(jti: bare.jti) == bare, "no agent, empty audience")
            try await expect(try await store.badge(jti: single.jti) == single, "audience with JSON-special characters")
            try await expect(try await store.badge(jti: uuid()) == nil, "unknown jti is nil")
            try await expectThrows("duplicate jti", {
                try await store.insertBadge(makeBadge(org, jti: full.jti))
            }, matches: isUniqueViolation("badges.jti"))
        },
        ConformanceCase(name: "revoking a badge is scoped to its org and keeps the first revocation") { store in
            let a = try await makeOrg(store)
            let b = try await makeOrg(store)
            let badge = makeBadge(a)
            try await store.insertBadge(badge)
            try await expect(try await store.revokeBadge(jti: badge.jti, orgID: b.id, reason: "x", at: 5) == nil, "another org sees nothing")
            try await expect(try await store.badge(jti: badge.jti) == badge, "still unrevoked after the foreign attempt")
            var revoked = badge
            revoked.revokedAt = 7
            revoked.revocationReason = "key compromise"
            try await expect(
                try await store.revokeBadge(jti: badge.jti, orgID: a.id, reason: "key compromise", at: 7) == revoked, "owner revokes"
            )
            try await expect(try await store.revokeBadge(jti: badge.jti, orgID: a.id, reason: "later", at: 9) == revoked, "second call keeps the first")
            try await expect(try await store.badge(jti: badge.jti) == revoked, "stored once")
            try await expect(try await store.revokeBadge(jti: uuid(), orgID: a.id, reason: nil, at: 9) == nil, "unknown jti is nil")
            let silent = makeBadge(a)
            try await store.insertBadge(silent)
            let noReason = try await store.revokeBadge(jti: silent.jti, orgID: a.id, reason: nil, at: 11)
            try await expect(noReason?.revokedAt == 11 && noReason?.revocationReason == nil, "revocation without a reason")
        },
        ConformanceCase(name: "revocation feed: ordered, since, cursor with ties, limit") { store in
            let org = try await makeOrg(store)
            try await store.insertBadge(makeBadge(org))
            let revoked = [
                makeBadge(org, jti: "c", revokedAt: 20), makeBadge(org, jti: "a", revokedAt: 20),
                makeBadge(org, jti: "b", revokedAt: 10), makeBadge(org, jti: "d", revokedAt: 30),
                makeBadge(org, jti: "b2", revokedAt: 20),
            ]
            for badge in revoked { try await store.insertBadge(badge) }
            let order = ["b", "a", "b2", "c", "d"]
            try await expect(try await store.revocations(since: nil, after: nil, limit: nil).map(\.jti) == order, "all, by (revoked_at, jti), live badge left out")
            try await expect(try await store.revocations(since: nil, after: nil, limit: nil).first == revoked[2], "full records")
            try await expect(try await store.revocations(since: 20, after: nil, limit: nil).map(\.jti) == ["a", "b2", "c", "d"], "since is inclusive")
            try await expect(try await store.revocations(since: 31, after: nil, limit: nil).isEmpty, "nothing after the last")
            let page1 = try await store.revocations(since: nil, after: nil, limit: 2)
            try await expect(page1.map(\.jti) == ["b", "a"], "first page")
            let cursor = RevocationCursor(revokedAt: page1[1].revokedAt!, jti: page1[1].jti)
            try await expect(try await store.revocations(since: nil, after: cursor, limit: 2).map(\.jti) == ["b2", "c"], "ties at the cursor time continue by jti")
            try await expect(
                try await store.revocations(since: 15, after: RevocationCursor(revokedAt: 20, jti: "c"), limit: nil).map(\.jti) == ["d"],
                "since and cursor combine"
            )
            try await expect(try await store.revocations(since: nil, after: nil, limit: 0).isEmpty, "limit 0")
        },
        ConformanceCase(name: "badges are read many at a time") { store in
            let org = try await makeOrg(store)
            let agent = makeAgent(org)
            try await store.insertAgent(agent)
            let stored = (0..<5).map { n in
                BadgeRecord(jti: uuid(), orgID: org.id, agentID: n == 0 ? nil : agent.id, subject: "did:web:example.com:agents:\(agent.id)",
                            level: "1", ial: "0", kid: "k", issuedAt: 1, expiresAt: 2 + Int64(n))
            }
            for badge in stored { try await store.insertBadge(badge) }
            let asked = [stored[3].jti, uuid(), stored[0].jti, stored[3].jti, stored[4].jti]
            let found = try await store.badges(jtis: asked)
            try await expect(found.sorted { $0.jti < $1.jti } == [stored[0], stored[3], stored[4]].sorted { $0.jti < $1.jti }, "each known jti once, every field; unknown ones left out")
            try await expect(try await store.badges(jtis: []).isEmpty, "no jtis: nothing")
            let withAgents = try await store.badgesWithSubjectAgents(jtis: [stored[0].jti, stored[1].jti, uuid()])
            try await expect(Set(withAgents.keys) == [stored[0].jti, stored[1].jti], "keyed by jti, unknown left out")
            try await expect(withAgents[stored[1].jti]?.agents == [SubjectAgent(id: agent.id, did: nil, status: .active)], "the agent it was issued to")
            try await expect(withAgents[stored[0].jti]?.badge == stored[0] && withAgents[stored[0].jti]?.agents.isEmpty == true, "no agent_id: no agent")
        },
        ConformanceCase(name: "a badge is read with the agents that may be its subject") { store in
            let org = try await makeOrg(store)
            let issuedTo = makeAgent(org)
            var registered = makeAgent(org, did: "did:web:example.com:agents:\(issuedTo.id)")
            registered.status = .disabled
            let bystander = makeAgent(org, did: "did:key:z6Mk\(uuid())")
            for agent in [issuedTo, registered, bystander] { try await store.insertAgent(agent) }
            func badge(agentID: String?, subject: String) -> BadgeRecord {
                BadgeRecord(jti: uuid(), orgID: org.id, agentID: agentID, subject: subject, level: "1", ial: "0", kid: "k", issuedAt: 1, expiresAt: 2)
            }
            let both = badge(agentID: issuedTo.id, subject: registered.did!)
            let onlyIssuedTo = badge(agentID: issuedTo.id, subject: "did:web:example.com:agents:other")
            let minted = badge(agentID: nil, subject: "did:web:minted.example")
            for b in [both, onlyIssuedTo, minted] { try await store.insertBadge(b) }

            guard let read = try await store.badgesWithSubjectAgents(jtis: [both.jti])[both.jti] else {
                throw ConformanceFailure(description: "badge \(both.jti) not found")
            }
            try await expect(read.badge == both, "the ledger entry, every field")
            try await expect(
                Set(read.agents.map(\.id)) == [issuedTo.id, registered.id]
                    && read.agents.contains(SubjectAgent(id: registered.id, did: registered.did, status: .disabled))
                    && read.agents.contains(SubjectAgent(id: issuedTo.id, did: nil, status: .active)),
                "the agent registered with the subject DID and the agent it was issued to, with their status"
            )
            try await expect(try await store.badgesWithSubjectAgents(jtis: [onlyIssuedTo.jti])[onlyIssuedTo.jti]?.agents.map(\.id) == [issuedTo.id], "only the agent it was issued to")
            let alone = try await store.badgesWithSubjectAgents(jtis: [minted.jti])[minted.jti]
            try await expect(alone?.badge == minted && alone?.agents.isEmpty == true, "no agent: the badge alone")
            try await expect(try await store.badgesWithSubjectAgents(jtis: [uuid()]).isEmpty, "unknown jti: nil")
        },
        ConformanceCase(name: "a ledger entry whose issuance basis no longer holds is left out of its batch, with and without log entries") { store in
            // Once without log entries and once with them: on PostgreSQL the second reads the bases
            // together with the log counter it locks.
            for logged in [false, true] {
                let org = try await makeOrg(store)
                let agent = makeAgent(org)
                try await store.insertAgent(agent)
                let key = makeKey(org)  // expires at 1_700_003_600
                let revoked = makeKey(org)
                for k in [key, revoked] { try await store.insertAPIKey(k) }
                _ = try await store.revokeAPIKey(id: revoked.id, orgID: org.id, at: 1_700_000_100)
                // Two more agents, read (as issuance reads them), then changed in the store before the
                // batch: one renamed, one disabled.
                let renamedRead = makeAgent(org), disabledRead = makeAgent(org)
                for read in [renamedRead, disabledRead] {
                    try await store.insertAgent(read)
                    try await expect(try await store.agent(id: read.id) == read, "read back as inserted")
                }
                func entry(_ basis: IssuanceBasis?, at time: Int64 = 1_700_000_200) -> LedgerEntry {
                    let jti = uuid()
                    return LedgerEntry(
                        badge: BadgeRecord(jti: jti, orgID: org.id, agentID: agent.id, subject: "s", level: "1", ial: "0", kid: "k", issuedAt: time, expiresAt: time + 300),
                        event: AuditEvent(id: uuid(), orgID: org.id, type: "badge.issued", actor: "t", subject: nil, details: nil, createdAt: time),
                        basis: basis, logEntry: logged ? LogEntryRecord(jti: jti, subject: "s", type: "badge", data: #"{"jti":"\#(jti)"}"#) : nil
                    )
                }
                let holds = entry(IssuanceBasis(agent: agent, apiKeyID: key.id))
                let noKey = entry(IssuanceBasis(agent: agent, apiKeyID: nil))
                let noBasis = entry(nil)
                let changedAgent = entry(IssuanceBasis(agent: renamedRead, apiKeyID: key.id))
                let statusDiffers = entry(IssuanceBasis(agent: disabledRead, apiKeyID: key.id))
                var renamed = renamedRead
                renamed.name = "renamed elsewhere"
                var disabled = disabledRead
                disabled.status = .disabled
                try await expect(try await store.updateAgent(renamed), "renamed after it was read")
                try await expect(try await store.updateAgent(disabled), "disabled after it was read")
                let revokedKey = entry(IssuanceBasis(agent: agent, apiKeyID: revoked.id))
                let expiredKey = entry(IssuanceBasis(agent: agent, apiKeyID: key.id), at: 1_700_003_600)
                let unknownKey = entry(IssuanceBasis(agent: agent, apiKeyID: uuid()))
                var gone = makeAgent(org)
                gone.id = uuid()
                let unknownAgent = entry(IssuanceBasis(agent: gone, apiKeyID: key.id))
                let all = [holds, changedAgent, noKey, statusDiffers, revokedKey, noBasis, expiredKey, unknownKey, unknownAgent]
                let size = try await store.sequencedLogSize()
                let commit = try await store.insertBadges(all)
                let stale = commit.stale
                let kept = all.filter { !stale.contains($0.badge.jti) }.map(\.badge.jti)
                try await expect(
                    Set(commit.logIndices.keys) == (logged ? Set(kept) : []) && Set(commit.logIndices.values) == (logged ? Set(size..<size + 3) : []),
                    "only the recorded badges are logged, at consecutive indices"
                )
                let expectedStale = [changedAgent, statusDiffers, revokedKey, expiredKey, unknownKey, unknownAgent].map(\.badge.jti)
                try await expect(stale == Set(expectedStale), "exactly the entries whose basis changed are reported stale")
                for item in all {
                    let stored = try await store.badge(jti: item.badge.jti)
                    try await expect((stored != nil) == !stale.contains(item.badge.jti), "badge \(item.badge.jti) stored only when its basis held")
                }
                try await expect(try await store.events(orgID: org.id).filter { $0.type == "badge.issued" }.count == 3, "events only for the recorded badges")
                try await expect(try await store.sequencedLogSize() == size + (logged ? 3 : 0), "the log grew by the recorded badges only")
            }
        },
        ConformanceCase(name: "badges and their events are inserted in batches, all or nothing") { store in
            let org = try await makeOrg(store)
            let entries = (0..<7).map { n in
                LedgerEntry(
                    badge: BadgeRecord(jti: uuid(), orgID: org.id, agentID: "agent", subject: "did:web:x:agents:agent", level: "1", ial: "0",
                                       kid: "k", issuedAt: 10, expiresAt: 310 + Int64(n), audience: n % 2 == 0 ? [] : ["https://a.example"]),
                    event: AuditEvent(id: uuid(), orgID: org.id, type: "badge.issued", actor: "t", subject: nil, agentID: "agent", details: nil, createdAt: 10)
                )
            }
            try await expect(try await store.insertBadges(entries) == LedgerCommit(), "entries without a basis are never stale; no log entries, no indices")
            for entry in entries {
                try await expect(try await store.badge(jti: entry.badge.jti) == entry.badge, "badge \(entry.badge.jti) stored with every field")
            }
            try await expect(try await store.events(orgID: org.id).count == 7, "every event stored")
            let duplicate = LedgerEntry(badge: entries[0].badge, event: AuditEvent(id: uuid(), orgID: org.id, type: "badge.issued", actor: "t", subject: nil, details: nil, createdAt: 11))
            let fresh = LedgerEntry(
                badge: BadgeRecord(jti: uuid(), orgID: org.id, agentID: nil, subject: "s", level: "1", ial: "0", kid: "k", issuedAt: 1, expiresAt: 2),
                event: AuditEvent(id: uuid(), orgID: org.id, type: "badge.issued", actor: "t", subject: nil, details: nil, createdAt: 11)
            )
            try await expectThrows("a batch with a duplicate jti", { try await store.insertBadges([fresh, duplicate]) }, matches: { _ in true })
            try await expect(try await store.badge(jti: fresh.badge.jti) == nil, "the failed batch left nothing behind")
            try await expect(try await store.events(orgID: org.id).count == 7, "and no events")
        },
        ConformanceCase(name: "concurrent issuances are each recorded once, a stale basis is refused") { store in
            let org = try await makeOrg(store)
            let agent = makeAgent(org)
            try await store.insertAgent(agent)
            let entries = (0..<24).map { _ in
                LedgerEntry(
                    badge: BadgeRecord(jti: uuid(), orgID: org.id, agentID: agent.id, subject: "did:web:x:agents:\(agent.id)", level: "1",
                                       ial: "0", kid: "k", issuedAt: 10, expiresAt: 310),
                    event: AuditEvent(id: uuid(), orgID: org.id, type: "badge.issued", actor: "t", subject: nil, agentID: agent.id, details: nil, createdAt: 10),
                    basis: IssuanceBasis(agent: agent, apiKeyID: nil)
                )
            }
            let recorded = try await withThrowingTaskGroup(of: LedgerRecording.self) { group in
                for entry in entries { group.addTask { try await store.recordIssuance(entry) } }
                return try await group.reduce(into: [LedgerRecording]()) { $0.append($1) }
            }
            try await expect(recorded.allSatisfy { $0 == .recorded(logIndex: nil) }, "every entry whose basis holds is recorded (no log entry, no index)")
            for entry in entries {
                try await expect(try await store.badge(jti: entry.badge.jti) == entry.badge, "badge \(entry.badge.jti) readable once recorded")
                try await expect(try await store.badgeWithSubjectAgents(jti: entry.badge.jti)?.agents.map(\.id) == [agent.id], "with its subject agent")
            }
            try await expect(try await store.events(orgID: org.id).count == entries.count, "one event each")
            var changed = agent
            changed.name = "renamed"
            changed.updatedAt += 1
            try await expect(try await store.updateAgent(changed), "agent changed")
            let stale = LedgerEntry(
                badge: BadgeRecord(jti: uuid(), orgID: org.id, agentID: agent.id, subject: "s", level: "1", ial: "0", kid: "k", issuedAt: 10, expiresAt: 310),
                event: AuditEvent(id: uuid(), orgID: org.id, type: "badge.issued", actor: "t", subject: nil, details: nil, createdAt: 10),
                basis: IssuanceBasis(agent: agent, apiKeyID: nil)
            )
            try await expect(try await store.recordIssuance(stale) == .stale, "an entry read before the change is refused")
            try await expect(try await store.badge(jti: stale.badge.jti) == nil, "and not written")
            try await expect(try await store.badgeWithSubjectAgents(jti: uuid()) == nil, "an unknown jti reads nil")
        },
    ]
}
