import Registry
import Storage
import StoreConformance
import Testing

/// `SQLStore.seedBadges` (the `insignia dev seed` helper) on both databases.
@Suite struct SeedingTests {
    @Test(arguments: TestBackend.available)
    func seededBadgesReadBackLikeInsertedOnes(backend: TestBackend) async throws {
        try await backend.withDatabase { opened, _ in
            let store = opened.store
            // More rows than one INSERT statement holds, and a partial last statement.
            let badges = (0..<2345).map(Self.badge)
            try await store.seedBadges(Array(badges[..<2000]), now: 5_000)
            try await store.seedBadges(Array(badges[2000...]), now: 5_000)
            try await store.seedBadges([], now: 5_000)
            let count = try await opened.database.query("SELECT COUNT(*) AS n FROM badges").first?.int("n")
            #expect(count == 2345)
            for i in [0, 1, 99, 999, 1000, 2344] {
                #expect(try await store.badge(jti: "seed-\(i)") == badges[i])
            }
            #expect(try await store.revocations(since: nil, after: nil, limit: nil).count == 23)
            // Revoked rows are trust changes: journaled, one sequence per call that revoked any.
            #expect(try await store.trustSequence() == TrustSequence(sequence: 2, cutoff: 5_000))
            let journal = try await store.trustJournal(from: 1, through: 2)
            #expect(Set(journal.map(\.change.ref)) == Set(badges.filter { $0.revokedAt != nil }.map(\.jti)) && journal.count == 23)
            #expect(try await store.sequencedLogSize() == 0, "no log entries unless asked")
        }
    }

    @Test(arguments: TestBackend.available)
    func seededBadgesCanBeLoggedAsIssuanceLogsThem(backend: TestBackend) async throws {
        try await backend.withDatabase { opened, _ in
            let store = opened.store
            let badges = (0..<1500).map(Self.badge)
            try await store.seedBadges(Array(badges[..<1200]), now: 5_000, loggedAs: "https://ca.example")
            try await store.seedBadges(Array(badges[1200...]), now: 5_000, loggedAs: "https://ca.example")
            #expect(try await store.sequencedLogSize() == 1500)
            let entries = try await store.logEntries(from: 0, limit: 2000)
            #expect(entries.map(\.index) == Array(0..<1500), "consecutive, in seeding order")
            let logged = LogEntryRecord(badge: badges[1234], iss: "https://ca.example", token: "seed.seed-1234")
            #expect(entries[1234].data == logged.data)
            #expect(try await store.logEntries(jti: "seed-1234") == [SequencedLogEntry(index: 1234, record: logged)], "found by jti")
        }
    }

    private static func badge(_ i: Int) -> BadgeRecord {
        let revoked = i % 100 == 99
        let audience: [String] = i % 3 == 0 ? ["https://a.example", "with \"quote\""] : []
        let agentID: String? = i % 7 == 0 ? nil : "agent"
        return BadgeRecord(
            jti: "seed-\(i)", orgID: "org", agentID: agentID, subject: "did:web:example.com:agents:a",
            level: "1", ial: "0", kid: "k1", issuedAt: Int64(1000 + i), expiresAt: Int64(1300 + i), audience: audience,
            revokedAt: revoked ? Int64(1100 + i) : nil, revocationReason: revoked ? "superseded" : nil
        )
    }

    @Test(arguments: TestBackend.available)
    func aDuplicateRollsBackTheWholeCall(backend: TestBackend) async throws {
        try await backend.withDatabase { opened, _ in
            let store = opened.store
            let make = { (jti: String) in
                BadgeRecord(jti: jti, orgID: "org", agentID: nil, subject: "s", level: "1", ial: "0", kid: "k", issuedAt: 1, expiresAt: 2)
            }
            try await store.seedBadges([make("a")], now: 1)
            await #expect(throws: StoreError.self) {
                try await store.seedBadges((0..<1500).map { make("b\($0)") } + [make("a")], now: 1)
            }
            let count = try await opened.database.query("SELECT COUNT(*) AS n FROM badges").first?.int("n")
            #expect(count == 1)
        }
    }
}
