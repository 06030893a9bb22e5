import BadgeCore
import Foundation
import MemoryStore
import Registry
import Testing

/// IAL-0 issuance from recently read data (`cached: true`): the ledger transaction re-checks the
/// agent row and the API key (`IssuanceBasis`), and a badge whose basis changed in between is
/// neither recorded nor returned.
@Suite struct IssuanceBasisTests {
    struct Setup {
        let world: World
        let tenant: Tenant
        let agent: Agent
    }

    /// An agent issued one badge with `cached: true`, which leaves it in the issuance cache.
    static func setUp(keyExpiresIn: Int64? = nil) async throws -> Setup {
        let world = try await World.make()
        var tenant = try await world.tenant()
        if let keyExpiresIn {
            let key = try await world.apiKeys.create(orgID: tenant.org.id, name: "short", expiresAt: world.clock.now() + keyExpiresIn)
            tenant = Tenant(org: tenant.org, key: key.record, principal: try await world.apiKeys.authenticate(key.plaintext))
        }
        let agent = try await world.keyedAgent(tenant)
        _ = try await world.badges.issueIAL0(tenant.principal, agent.id, IAL0Request(), cached: true)
        return Setup(world: world, tenant: tenant, agent: agent)
    }

    func issued(_ setup: Setup) async throws -> Int { try await setup.world.events("badge.issued").count }

    @Test func aChangeMadeThroughThisServerIsSeenAtOnce() async throws {
        let setup = try await Self.setUp()
        _ = try await setup.world.agents.disable(setup.tenant.principal, setup.agent.id, reason: "compromised")
        await expectError("agent_disabled", kind: .forbidden) {
            _ = try await setup.world.badges.issueIAL0(setup.tenant.principal, setup.agent.id, IAL0Request(), cached: true)
        }
        #expect(try await issued(setup) == 1)
    }

    @Test func anUnchangedBasisIssuesFromTheCache() async throws {
        let setup = try await Self.setUp()
        let badge = try await setup.world.badges.issueIAL0(setup.tenant.principal, setup.agent.id, IAL0Request(), cached: true)
        #expect(try await setup.world.store.badge(jti: badge.claims.jti)?.agentID == setup.agent.id)
        #expect(try await issued(setup) == 2)
    }

    @Test func anAgentChangedSinceTheCachedReadMakesTheBadgeStale() async throws {
        let setup = try await Self.setUp()
        var renamed = setup.agent
        renamed.name = "renamed"
        renamed.updatedAt += 1
        try await setup.world.changeElsewhere(renamed)
        await expectError("issuance_basis_stale", kind: .conflict) {
            _ = try await setup.world.badges.issueIAL0(setup.tenant.principal, setup.agent.id, IAL0Request(), cached: true)
        }
        #expect(try await issued(setup) == 1)
        // A fresh read issues against the new row.
        _ = try await setup.world.badges.issueIAL0(setup.tenant.principal, setup.agent.id, IAL0Request())
        #expect(try await issued(setup) == 2)
    }

    @Test func anAgentDisabledSinceTheCachedReadGetsNoBadge() async throws {
        let setup = try await Self.setUp()
        var disabled = setup.agent
        disabled.status = .disabled
        disabled.updatedAt += 1
        try await setup.world.changeElsewhere(disabled)
        await expectError("issuance_basis_stale") {
            _ = try await setup.world.badges.issueIAL0(setup.tenant.principal, setup.agent.id, IAL0Request(), cached: true)
        }
        // The caller's retry reads afresh and is refused; that read also drops the cached agent.
        for cached in [false, true] {
            await expectError("agent_disabled", kind: .forbidden) {
                _ = try await setup.world.badges.issueIAL0(setup.tenant.principal, setup.agent.id, IAL0Request(), cached: cached)
            }
        }
        #expect(try await issued(setup) == 1)
    }

    @Test func anAgentDeletedSinceTheCachedReadGetsNoBadge() async throws {
        let setup = try await Self.setUp()
        _ = try await setup.world.store.inTransaction { try await $0.deleteAgent(id: setup.agent.id, orgID: setup.tenant.org.id) }
        await expectError("issuance_basis_stale") {
            _ = try await setup.world.badges.issueIAL0(setup.tenant.principal, setup.agent.id, IAL0Request(), cached: true)
        }
        await expectError("agent_not_found", kind: .notFound) {
            _ = try await setup.world.badges.issueIAL0(setup.tenant.principal, setup.agent.id, IAL0Request(), cached: false)
        }
        #expect(try await issued(setup) == 1)
    }

    @Test func aKeyRevokedSinceTheCachedReadGetsNoBadgeCachedOrNot() async throws {
        let setup = try await Self.setUp()
        try await setup.world.apiKeys.revoke(id: setup.tenant.key.id, orgID: setup.tenant.org.id)
        for cached in [true, false] {
            await expectError("issuance_basis_stale") {
                _ = try await setup.world.badges.issueIAL0(setup.tenant.principal, setup.agent.id, IAL0Request(), cached: cached)
            }
        }
        #expect(try await issued(setup) == 1)
        // A signed-in member (no API key) is checked on the agent alone.
        let member = Principal.session(orgID: setup.tenant.org.id, userID: "user-1", role: .member)
        _ = try await setup.world.badges.issueIAL0(member, setup.agent.id, IAL0Request(), cached: true)
        #expect(try await issued(setup) == 2)
    }

    @Test func aKeyThatExpiredBeforeTheIssueTimeGetsNoBadge() async throws {
        let setup = try await Self.setUp(keyExpiresIn: 10)
        setup.world.clock.advance(9)
        _ = try await setup.world.badges.issueIAL0(setup.tenant.principal, setup.agent.id, IAL0Request(), cached: true)
        setup.world.clock.advance(1)
        await expectError("issuance_basis_stale") {
            _ = try await setup.world.badges.issueIAL0(setup.tenant.principal, setup.agent.id, IAL0Request(), cached: true)
        }
        #expect(try await issued(setup) == 2)
    }

    @Test func insertBadgesLeavesOutAndReportsExactlyTheStaleEntries() async throws {
        let world = try await World.make()
        let tenant = try await world.tenant()
        let read = try await world.keyedAgent(tenant)
        let untouched = try await world.keyedAgent(tenant)
        let otherKey = try await world.apiKeys.create(orgID: tenant.org.id, name: "other")
        func entry(_ agent: Agent, key: String?) -> LedgerEntry {
            let jti = UUID().uuidString.lowercased()
            let now = world.clock.now()
            return LedgerEntry(
                badge: BadgeRecord(jti: jti, orgID: tenant.org.id, agentID: agent.id, subject: world.issuer.agentDID(agent.id), level: "1", ial: "0",
                                   kid: World.caKID, issuedAt: now, expiresAt: now + 300),
                event: .make("badge.issued", orgID: tenant.org.id, actor: "test", subject: jti, agentID: agent.id, at: now),
                basis: IssuanceBasis(agent: agent, apiKeyID: key)
            )
        }
        let fresh = entry(untouched, key: tenant.key.id)
        let readThenChanged = entry(read, key: nil)
        let revokedKey = entry(untouched, key: otherKey.record.id)
        let unchecked = entry(read, key: nil)
        let noBasis = LedgerEntry(badge: unchecked.badge, event: unchecked.event, basis: nil)
        _ = try await world.agents.disable(tenant.principal, read.id, reason: nil)
        try await world.apiKeys.revoke(id: otherKey.record.id, orgID: tenant.org.id)

        let stale = try await world.store.insertBadges([fresh, readThenChanged, revokedKey, noBasis]).stale
        #expect(stale == [readThenChanged.badge.jti, revokedKey.badge.jti])
        let stored = try await world.store.badges(jtis: [fresh, readThenChanged, revokedKey, noBasis].map(\.badge.jti)).map(\.jti)
        #expect(Set(stored) == [fresh.badge.jti, noBasis.badge.jti])
        #expect(try await issued(Setup(world: world, tenant: tenant, agent: read)) == 2)
    }

    /// A server's badge request that names a new domain saves it on the server: from the current
    /// row, never from the recently read one, so a disable committed elsewhere is not undone.
    @Test func aNewServerDomainNeverUndoesADisableMadeElsewhere() async throws {
        let world = try await World.make()
        let tenant = try await world.tenant()
        let servers = world.agents.scoped(to: .mcpServer)
        var input = AgentInput()
        input.name = "mcp"
        input.did = .some(DIDKey.did(for: PrivateJWK.generate(kid: "server").publicKey))
        let server = try await servers.create(tenant.principal, input)
        // The first request saves the domain; the renewal (same domain, no write) leaves the row in
        // this server's recent reads.
        for _ in 0..<2 {
            _ = try await world.badges.issueIAL0(tenant.principal, server.id, IAL0Request(domain: "a.example.com"), kind: .mcpServer, cached: true)
        }
        var disabled = try #require(try await world.store.agent(id: server.id))
        disabled.status = .disabled
        disabled.updatedAt += 1
        try await world.changeElsewhere(disabled)
        await expectError("agent_disabled", kind: .forbidden) {
            _ = try await world.badges.issueIAL0(tenant.principal, server.id, IAL0Request(domain: "b.example.com"), kind: .mcpServer, cached: true)
        }
        let stored = try #require(try await world.store.agent(id: server.id))
        #expect(stored.status == .disabled && stored.domain == "a.example.com")
        #expect(try await world.events("badge.issued").count == 2)
    }
}
