import Registry

extension StoreConformance {
    /// `makeBadge` issued at `issuedAt`.
    static func issued(_ org: Organization, kid: String = "kid-1", at issuedAt: Int64, expiresAt: Int64, agentID: String? = nil) -> BadgeRecord {
        var badge = makeBadge(org, kid: kid, expiresAt: expiresAt)
        badge.issuedAt = issuedAt
        if let agentID { badge.agentID = agentID }
        return badge
    }

    static let trustStateCases: [ConformanceCase] = [
        ConformanceCase(name: "trust changes of concurrent transactions take consecutive sequences, each once") { store in
            try await expect(try await store.trustSequence() == TrustSequence(sequence: 0, cutoff: 0), "a new database is at 0")
            let jtis = (0..<20).map { _ in uuid() }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (offset, jti) in jtis.enumerated() {
                    group.addTask {
                        try await store.inTransaction { tx in _ = try await tx.recordTrustChanges([.revocation(jti: jti, at: 100 + Int64(offset))], at: 100 + Int64(offset)) }
                    }
                }
                try await group.waitForAll()
            }
            let current = try await store.trustSequence()
            try await expect(current == TrustSequence(sequence: 20, cutoff: 119), "20 changes, cutoff the latest time (got \(current))")
            let journal = try await store.trustJournal(from: 1, through: 20)
            try await expect(journal.map(\.sequence.sequence) == Array(1...20), "one entry per sequence, no gap, no duplicate")
            try await expect(Set(journal.map(\.change.ref)) == Set(jtis), "every change journaled once")
            try await expect(journal.allSatisfy { $0.sequence.cutoff <= 119 && $0.sequence.cutoff >= $0.change.at }, "cutoffs never run behind a change")
            struct Abort: Error {}
            try await expectThrows("a transaction that throws", {
                try await store.inTransaction { tx in
                    _ = try await tx.recordTrustChanges([.revocation(jti: uuid(), at: 500)], at: 500)
                    throw Abort()
                }
            }, matches: { $0 is Abort })
            try await expect(try await store.trustSequence() == current, "a rolled-back change takes no number")
            let next = try await store.inTransaction { tx in
                try await tx.recordTrustChanges([.agentDeleted(id: "a", at: 50), TrustChange(kind: .agent, ref: "b", status: "disabled", at: 50)], at: 50)
            }
            try await expect(next == TrustSequence(sequence: 21, cutoff: 119), "the next change continues; an earlier time keeps the cutoff")
            try await expect(try await store.trustJournal(from: 21, through: 21).count == 2, "one sequence may journal several changes")
        },
        ConformanceCase(name: "the journal and ledger give the state at a past sequence") { store in
            let org = try await makeOrg(store)
            let early = issued(org, at: 10, expiresAt: 1_000)
            let late = issued(org, at: 10, expiresAt: 2_000)
            let expired = issued(org, at: 10, expiresAt: 150)
            let future = issued(org, at: 900, expiresAt: 2_000)
            for badge in [early, late, expired, future] { try await store.insertBadge(badge) }
            let first = try await store.inTransaction { tx in
                for badge in [early, expired] { _ = try await tx.revokeBadge(jti: badge.jti, orgID: org.id, reason: "r", at: 200) }
                return try await tx.recordTrustChanges([.revocation(jti: early.jti, at: 200), .revocation(jti: expired.jti, at: 200)], at: 200)
            }
            let agentID = early.agentID ?? ""
            let second = try await store.inTransaction { tx in
                _ = try await tx.revokeBadge(jti: late.jti, orgID: org.id, reason: nil, at: 300)
                return try await tx.recordTrustChanges(
                    [.revocation(jti: late.jti, at: 300), TrustChange(kind: .agent, ref: agentID, status: "disabled", at: 300)], at: 300
                )
            }
            let third = try await store.inTransaction { tx in
                try await tx.recordTrustChanges([.agentDeleted(id: agentID, at: 400), .caKey(kid: "k1", state: .retired, at: 400)], at: 400)
            }
            try await expect(first.cutoff == 200 && second.cutoff == 300 && third.cutoff == 400, "cutoffs follow the changes")
            let atFirst = try await store.revokedBadges(through: first.sequence, expiringAfter: first.cutoff)
            try await expect(atFirst.map(\.jti) == [early.jti], "at the first sequence: the badge revoked then, not the expired one, not the later revocation")
            let atSecond = Set(try await store.revokedBadges(through: second.sequence, expiringAfter: second.cutoff).map(\.jti))
            try await expect(atSecond == [early.jti, late.jti], "at the second: both unexpired revocations")
            try await expect(try await store.trustJournal(from: first.sequence, through: first.sequence).first?.sequence == first, "a sequence's cutoff is journaled")
            let statusesSecond = try await store.latestTrustStatuses(through: second.sequence)
            try await expect(statusesSecond == [TrustChange(kind: .agent, ref: agentID, status: "disabled", at: 300)], "revocations are not statuses; the agent disabled at the second")
            let statusesThird = try await store.latestTrustStatuses(through: third.sequence).sorted { $0.ref < $1.ref }
            try await expect(
                Set(statusesThird.map { "\($0.kind.rawValue) \($0.ref) \($0.status)" }) == ["agent \(agentID) deleted", "ca_key k1 retired"],
                "the latest change of each thing at the third (got \(statusesThird))"
            )
            let subjects = try await store.badgeSubjects(agentIDs: [agentID, uuid()], at: 300)
            try await expect(subjects == [agentID: [early.subject]], "subjects of the agent's badges live at the cutoff and issued by it")
            try await store.insertBadge(issued(org, kid: "k1", at: 10, expiresAt: 1_500))
            try await store.insertBadge(issued(org, kid: "k1", at: 5_000, expiresAt: 9_000))
            try await expect(
                try await store.latestBadgeExpiry(kids: ["k1", "kid-1", "none"], at: 400) == ["k1": 1_500, "kid-1": 2_000],
                "latest expiry per kid among badges issued by the cutoff"
            )
        },
        ConformanceCase(name: "CA key election journals activation and retirement in its own transaction") { store in
            let old = try await store.ensureActiveCAKey(makeCAKey(at: 10))
            try await expect(try await store.trustSequence() == TrustSequence(sequence: 1, cutoff: 10), "the first active key is change 1")
            _ = try await store.ensureActiveCAKey(makeCAKey(at: 20))
            try await expect(try await store.trustSequence().sequence == 1, "finding the active key changes nothing")
            let next = makeCAKey(at: 30)
            try await store.insertCAKey(next)
            try await expect(try await store.trustSequence().sequence == 1, "a prepared key is not trust state")
            try await expect(try await store.activateCAKey(kid: uuid(), at: 35) == false, "unknown kid")
            try await expect(try await store.trustSequence().sequence == 1, "an unknown kid changes nothing")
            try await expect(try await store.activateCAKey(kid: next.kid, at: 40), "rotation")
            let rotation = try await store.trustJournal(from: 2, through: 2).map { "\($0.change.ref) \($0.change.status)" }
            try await expect(Set(rotation) == ["\(old.kid) retired", "\(next.kid) active"], "one sequence: the old key retired, the new active (got \(rotation))")
            try await expect(try await store.activateCAKey(kid: next.kid, at: 50), "activating the active key succeeds")
            try await expect(try await store.trustSequence() == TrustSequence(sequence: 2, cutoff: 40), "and changes nothing")
        },
        ConformanceCase(name: "a database that predates the journal gets its current state as a baseline, once") { store in
            let org = try await makeOrg(store)
            try await store.insertCAKey(makeCAKey("active-kid", state: .active, at: 10))
            try await store.insertCAKey(makeCAKey("prepared-kid", at: 20))
            var disabled = makeAgent(org)
            disabled.status = .disabled
            disabled.disabledAt = 77
            try await store.insertAgent(disabled)
            try await store.insertAgent(makeAgent(org))
            try await store.insertBadge(issued(org, at: 10, expiresAt: 5_000, agentID: "gone-agent"))
            try await store.insertBadge(issued(org, at: 10, expiresAt: 50, agentID: "long-gone"))
            let baseline = try await store.inTransaction { tx in try await tx.recordTrustBaseline(at: 100) }
            try await expect(baseline == TrustSequence(sequence: 1, cutoff: 100), "the baseline is change 1 at the given time")
            let journal = Set(try await store.trustJournal(from: 1, through: 1).map { "\($0.change.kind.rawValue) \($0.change.ref) \($0.change.status) \($0.change.at)" })
            try await expect(
                journal == ["ca_key active-kid active 10", "agent \(disabled.id) disabled 77", "agent gone-agent deleted 0"],
                "keys, disabled agents, and agents named by live badges but gone (got \(journal))"
            )
            try await expect(try await store.inTransaction { tx in try await tx.recordTrustBaseline(at: 200) } == nil, "a second baseline does nothing")
        },
    ]
}
