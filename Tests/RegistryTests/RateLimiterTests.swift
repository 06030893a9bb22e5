import BadgeCore
import Foundation
import MemoryStore
import Registry
import Testing

/// `RateLimiter`: fixed windows counted in the store, and the issuance limit per agent.
@Suite struct RateLimiterTests {
    let store = InMemoryStore()
    let clock = TestClock()
    var limiter: RateLimiter { RateLimiter(store: store, clock: clock) }

    @Test func eachHitReportsLimitRemainingResetAndRetryAfter() async throws {
        let rule = RateLimit(limit: 3, windowSeconds: 60)
        clock.set(TestClock.start + 15)
        var seen: [RateLimitStatus?] = []
        for _ in 0..<3 { seen.append(try await limiter.hit("b", rule)) }
        let reset = TestClock.start + 60
        #expect(seen.compactMap(Standing.init) == [2, 1, 0].map { Standing(limit: 3, remaining: $0, resetAt: reset, retryAfter: 45) })
        let refused = await expectRateLimited { _ = try await limiter.hit("b", rule) }
        #expect(Standing(refused) == Standing(limit: 3, remaining: 0, resetAt: reset, retryAfter: 45))
        // A refused hit is counted too: the window's count keeps growing.
        #expect(try await store.rateCount(bucket: "b", windowStart: TestClock.start) == 4)
    }

    @Test func windowsAreFixedAndAlignedToMultiplesOfTheirLength() async throws {
        let rule = RateLimit(limit: 2, windowSeconds: 60)
        clock.set(TestClock.start + 58)
        _ = try await limiter.hit("b", rule)
        clock.set(TestClock.start + 59)
        #expect(try await limiter.hit("b", rule)?.retryAfter == 1)
        let last = await expectRateLimited { _ = try await limiter.hit("b", rule) }
        #expect(last?.resetAt == TestClock.start + 60 && last?.retryAfter == 1)
        // The next second opens a new window with a full budget, however recent the last hits.
        clock.set(TestClock.start + 60)
        #expect(Standing(try await limiter.hit("b", rule)) == Standing(limit: 2, remaining: 1, resetAt: TestClock.start + 120, retryAfter: 60))
        // Older windows of the bucket are dropped when a new one starts.
        #expect(try await store.rateCount(bucket: "b", windowStart: TestClock.start) == 0)
    }

    @Test func bucketsAreIndependent() async throws {
        let rule = RateLimit(limit: 1, windowSeconds: 300)
        _ = try await limiter.hit("a", rule)
        await expectRateLimited { _ = try await limiter.hit("a", rule) }
        #expect(try await limiter.hit("b", rule)?.remaining == 0)
    }

    @Test func limitZeroDisablesTheRuleAndCountsNothing() async throws {
        let off = RateLimit(limit: 0, windowSeconds: 60)
        for _ in 0..<100 { #expect(try await limiter.hit("off", off) == nil) }
        #expect(try await store.rateCount(bucket: "off", windowStart: TestClock.start) == 0)
    }

    @Test func theRefusalCodeCanBeChosen() async throws {
        let rule = RateLimit(limit: 1, windowSeconds: 3600)
        _ = try await limiter.hit("dv", rule, code: .dvRateLimitExceeded)
        let status = await expectRateLimited("RATE_LIMIT_EXCEEDED") { _ = try await limiter.hit("dv", rule, code: .dvRateLimitExceeded) }
        #expect(status?.retryAfter == 3600 && status?.resetAt == TestClock.start + 3600)
    }

    @Test func concurrentHitsAdmitExactlyTheLimit() async throws {
        let rule = RateLimit(limit: 5, windowSeconds: 60)
        let limiter = self.limiter
        let admitted = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<20 { group.addTask { (try? await limiter.hit("hot", rule)) != nil } }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(admitted == 5)
    }

    // MARK: Issuance per agent

    @Test func issuanceIsLimitedPerAgentPerMinute() async throws {
        var policy = BadgePolicy()
        policy.issuanceRate = .perMinute(2)
        let world = try await World.make(badgePolicy: policy)
        let tenant = try await world.tenant()
        let agent = try await world.keyedAgent(tenant)
        let first = try await world.badges.issueIAL0(tenant.principal, agent.id, IAL0Request())
        #expect(Standing(first.rateLimit) == Standing(limit: 2, remaining: 1, resetAt: TestClock.start + 60, retryAfter: 60))
        #expect(try await world.badges.issueIAL0(tenant.principal, agent.id, IAL0Request()).rateLimit?.remaining == 0)
        await expectRateLimited { _ = try await world.badges.issueIAL0(tenant.principal, agent.id, IAL0Request()) }
        #expect(try await world.events("badge.issued").count == 2)
        // Another agent of the same organisation has its own budget.
        let sibling = try await world.keyedAgent(tenant)
        _ = try await world.badges.issueIAL0(tenant.principal, sibling.id, IAL0Request())
        world.clock.advance(60)
        #expect(try await world.badges.issueIAL0(tenant.principal, agent.id, IAL0Request()).rateLimit?.remaining == 1)
    }

    @Test func aDisabledIssuanceLimitReportsNoStanding() async throws {
        var policy = BadgePolicy()
        policy.issuanceRate = .perMinute(0)
        let world = try await World.make(badgePolicy: policy)
        let tenant = try await world.tenant()
        let agent = try await world.keyedAgent(tenant)
        for _ in 0..<3 { #expect(try await world.badges.issueIAL0(tenant.principal, agent.id, IAL0Request()).rateLimit == nil) }
    }

    @Test func refusedIssuanceDoesNotSpendTheBudget() async throws {
        var policy = BadgePolicy()
        policy.issuanceRate = .perMinute(1)
        let world = try await World.make(badgePolicy: policy)
        let tenant = try await world.tenant()
        let agent = try await world.keyedAgent(tenant)
        // Level and TTL are checked before the limiter counts.
        await expectError("trust_level_not_permitted") { _ = try await world.badges.issueIAL0(tenant.principal, agent.id, IAL0Request(level: .extended)) }
        await expectError("invalid_ttl") { _ = try await world.badges.issueIAL0(tenant.principal, agent.id, IAL0Request(ttlSeconds: 0)) }
        #expect(try await world.badges.issueIAL0(tenant.principal, agent.id, IAL0Request()).rateLimit?.remaining == 0)
    }

    @Test func issuanceThatCannotSignDoesNotSpendTheBudget() async throws {
        var policy = BadgePolicy()
        policy.issuanceRate = .perMinute(1)
        let world = try await World.make(badgePolicy: policy)
        let tenant = try await world.tenant()
        let agent = try await world.keyedAgent(tenant)
        // A server that lacks the active CA key's private half: 503 before the budget is touched.
        let keyless = CAService(store: world.store, keys: MemoryCAKeys(keys: [:]), clock: world.clock)
        let badges = BadgeService(store: world.store, clock: world.clock, agents: world.agents, ca: keyless, policy: policy, remoteDIDResolver: world.resolver)
        for _ in 0..<3 {
            await expectError("ca_key_unavailable") { _ = try await badges.issueIAL0(tenant.principal, agent.id, IAL0Request()) }
        }
        #expect(try await world.badges.issueIAL0(tenant.principal, agent.id, IAL0Request()).rateLimit?.remaining == 0)
        await expectRateLimited { _ = try await world.badges.issueIAL0(tenant.principal, agent.id, IAL0Request()) }
    }

    @Test func aRetryAfterAStaleBasisSpendsTheBudgetOnce() async throws {
        var policy = BadgePolicy()
        policy.issuanceRate = .perMinute(2)
        let world = try await World.make(badgePolicy: policy)
        let tenant = try await world.tenant()
        let agent = try await world.keyedAgent(tenant)
        _ = try await world.badges.issueIAL0(tenant.principal, agent.id, IAL0Request(), cached: true)
        // Another replica changes the agent: the cached attempt is stale and the request retried.
        var renamed = agent
        renamed.name = "renamed"
        renamed.updatedAt += 1
        try await world.changeElsewhere(renamed)
        let principal = tenant.principal
        let retried = try await world.badges.issueIAL0(agent.id, IAL0Request()) { _ in (principal, ()) }
        #expect(retried.badge.rateLimit?.remaining == 0)
        #expect(try await world.events("badge.issued").count == 2)
    }
}
