import Registry

extension StoreConformance {
    static func makeChallenge(_ org: Organization, expiresAt: Int64 = 2_000) -> ChallengeRecord {
        ChallengeRecord(
            id: "ch-\(uuid())", nonce: "nonce-\(uuid())", did: "did:key:z6Mk\(uuid())", agentID: uuid(), orgID: org.id,
            badgeAudience: ["https://a.example", "https://b.example"], badgeTTL: 300, proofAudience: "https://registry.example",
            htu: "https://registry.example/v1/agents/did%3Akey%3Az6Mk/badge/pop", createdAt: 1_000, expiresAt: expiresAt,
            clientIP: "127.0.0.1"
        )
    }

    static let challengeCases: [ConformanceCase] = [
        ConformanceCase(name: "challenge round trip keeps every field") { store in
            let org = try await makeOrg(store)
            let challenge = makeChallenge(org)
            try await store.insertChallenge(challenge)
            try await expect(try await store.challenge(id: challenge.id) == challenge, "lookup returns the stored challenge")
            try await expect(try await store.challenge(id: "ch-\(uuid())") == nil, "unknown id is nil")
        },
        ConformanceCase(name: "a challenge is consumed exactly once, even concurrently") { store in
            let org = try await makeOrg(store)
            let challenge = makeChallenge(org)
            try await store.insertChallenge(challenge)
            let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<12 { group.addTask { try await store.consumeChallenge(id: challenge.id, at: 1_500) } }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            try await expect(wins == 1, "exactly one of 12 concurrent consumers wins (got \(wins))")
            try await store.recordIssuedBadge(challengeID: challenge.id, jti: "jti-1")
            let stored = try await store.challenge(id: challenge.id)
            try await expect(stored?.used == true && stored?.usedAt == 1_500 && stored?.issuedBadgeJTI == "jti-1", "used, time and badge recorded")
            try await expect(try await store.consumeChallenge(id: challenge.id, at: 1_600) == false, "a later consume loses")
            try await expect(try await store.consumeChallenge(id: "ch-\(uuid())", at: 1_600) == false, "unknown challenge cannot be consumed")
        },
        ConformanceCase(name: "proof jtis are remembered until they expire, atomically") { store in
            let jti = uuid()
            try await expect(try await store.rememberProofJTI(jti, expiresAt: 200, now: 100), "first sighting")
            try await expect(try await store.rememberProofJTI(jti, expiresAt: 300, now: 199) == false, "replay within retention")
            try await expect(try await store.rememberProofJTI(jti, expiresAt: 400, now: 200), "accepted again once retention lapsed")
            try await expect(try await store.rememberProofJTI(jti, expiresAt: 500, now: 300) == false, "the renewed retention holds")
            let other = uuid()
            let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<12 { group.addTask { try await store.rememberProofJTI(other, expiresAt: 1_000, now: 10) } }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            try await expect(wins == 1, "exactly one of 12 concurrent uses of a jti succeeds (got \(wins))")
        },
        ConformanceCase(name: "expired challenges and jtis are purged") { store in
            let org = try await makeOrg(store)
            let old = makeChallenge(org, expiresAt: 50)
            let live = makeChallenge(org, expiresAt: 5_000)
            try await store.insertChallenge(old)
            try await store.insertChallenge(live)
            _ = try await store.rememberProofJTI("old-\(uuid())", expiresAt: 50, now: 1)
            let purged = try await store.purgeExpiredChallenges(before: 100)
            try await expect(purged == 2, "the old challenge and the old jti purged (got \(purged))")
            try await expect(try await store.challenge(id: old.id) == nil, "old challenge gone")
            try await expect(try await store.challenge(id: live.id) != nil, "live challenge kept")
        },
    ]
}
