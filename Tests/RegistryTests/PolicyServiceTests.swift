import BadgeCore
import Foundation
import PolicyCore
import Registry
import Testing

@Suite struct PolicyServiceTests {
    private func service(_ world: World, secondApprover: Bool = false) -> PolicyService {
        var settings = PolicySettings()
        settings.requireSecondApprover = secondApprover
        settings.bundleMaxAge = .zero
        return PolicyService(store: world.store, clock: world.clock, settings: settings, issuer: world.issuer, ca: world.ca)
    }

    private func code(_ body: () async throws -> Void) async -> ErrorCode? {
        do { try await body(); return nil } catch let error as RegistryError { return error.code } catch { return nil }
    }

    @Test func proposalsGetIncreasingVersionsAndApprovalSupersedes() async throws {
        let world = try await World.make()
        let policies = service(world)
        let tenant = try await world.tenant()
        let orgID = tenant.org.id
        let first = try await policies.propose(tenant.principal, orgID: orgID, scope: .org, scopeID: nil, yaml: "version: \"1\"\nmin_trust_level: DV\n")
        let second = try await policies.propose(tenant.principal, orgID: orgID, scope: .org, scopeID: nil, yaml: "version: \"1\"\nmin_trust_level: OV\n")
        #expect((first.version, second.version) == (1, 2))
        #expect(first.state == .proposal && first.createdBy == "api_key:\(tenant.key.id)")
        #expect(try await policies.proposals(tenant.principal, orgID: orgID).map(\.id) == [first.id, second.id])
        _ = try await policies.approve(tenant.principal, orgID: orgID, id: first.id)
        #expect(try await policies.active(tenant.principal, orgID: orgID, scope: .org, scopeID: nil).id == first.id)
        _ = try await policies.approve(tenant.principal, orgID: orgID, id: second.id)
        let history = try await policies.history(tenant.principal, orgID: orgID, scope: .org, scopeID: nil)
        #expect(history.map(\.state) == [.superseded, .active])
        #expect(await code { _ = try await policies.approve(tenant.principal, orgID: orgID, id: first.id) } == .proposalNotPending)
    }

    @Test func invalidYAMLIsRefusedWithLineAndField() async throws {
        let world = try await World.make()
        let tenant = try await world.tenant()
        do {
            _ = try await service(world).propose(tenant.principal, orgID: tenant.org.id, scope: .org, scopeID: nil, yaml: "version: \"1\"\nrate_limits:\n  - did: did:x:1\n    rpm: -1\n")
            Issue.record("accepted")
        } catch let error as RegistryError {
            #expect(error.code == .invalidPolicy)
            #expect(error.message == "line 4: rate_limits[0].rpm: must be a positive integer up to 1000000000")
        }
        #expect(await code { _ = try await service(world).propose(tenant.principal, orgID: tenant.org.id, scope: .org, scopeID: nil, yaml: "") } == .invalidPolicy)
    }

    @Test func secondApproverRuleRefusesTheProposerOnly() async throws {
        let world = try await World.make()
        let policies = service(world, secondApprover: true)
        let tenant = try await world.tenant()
        let proposal = try await policies.propose(tenant.principal, orgID: tenant.org.id, scope: .org, scopeID: nil, yaml: "version: \"1\"\n")
        #expect(await code { _ = try await policies.approve(tenant.principal, orgID: tenant.org.id, id: proposal.id) } == .secondApproverRequired)
        let other = try await world.apiKeys.create(orgID: tenant.org.id, name: "second", scopes: [])
        let approver = try await world.apiKeys.authenticate(other.plaintext)
        #expect(try await policies.approve(approver, orgID: tenant.org.id, id: proposal.id).state == .active)
    }

    @Test func rejectionNeedsAReasonAndHappensOnce() async throws {
        let world = try await World.make()
        let policies = service(world)
        let tenant = try await world.tenant()
        let proposal = try await policies.propose(tenant.principal, orgID: tenant.org.id, scope: .org, scopeID: nil, yaml: "version: \"1\"\n")
        #expect(await code { _ = try await policies.reject(tenant.principal, orgID: tenant.org.id, id: proposal.id, reason: " ") } == .invalidRequest)
        let rejected = try await policies.reject(tenant.principal, orgID: tenant.org.id, id: proposal.id, reason: "too open")
        #expect(rejected.state == .rejected && rejected.rejectReason == "too open")
        #expect(await code { _ = try await policies.approve(tenant.principal, orgID: tenant.org.id, id: proposal.id) } == .proposalNotPending)
    }

    @Test func anotherOrganisationSeesNothing() async throws {
        let world = try await World.make()
        let policies = service(world)
        let a = try await world.tenant()
        let b = try await world.tenant()
        let proposal = try await policies.propose(a.principal, orgID: a.org.id, scope: .org, scopeID: nil, yaml: "version: \"1\"\n")
        #expect(await code { _ = try await policies.approve(b.principal, orgID: a.org.id, id: proposal.id) } == .organizationNotFound)
        #expect(await code { _ = try await policies.approve(b.principal, orgID: b.org.id, id: proposal.id) } == .notFound)
        #expect(await code { _ = try await policies.bundle(b.principal, orgID: a.org.id) } == .organizationNotFound)
        let agent = try await world.agent(a, did: "did:web:a.example")
        #expect(await code { _ = try await policies.propose(b.principal, orgID: b.org.id, scope: .agent, scopeID: agent.id, yaml: "version: \"1\"\n") } == .agentNotFound)
    }

    @Test func bundleResolvesGroupsAndAgentsAndFollowsAgentStatus() async throws {
        let world = try await World.make()
        let policies = service(world)
        let tenant = try await world.tenant()
        let orgID = tenant.org.id
        let agent = try await world.agent(tenant, did: "did:web:agent.example")
        let group = try await policies.createGroup(tenant.principal, orgID: orgID, name: "pii", precedence: 10)
        try await policies.setMember(tenant.principal, orgID: orgID, groupID: group.id, agentID: agent.id, present: true)
        for (scope, id, yaml) in [
            (PolicyScopeType.org, nil as String?, "min_trust_level: DV\nrate_limits:\n  - {did: did:web:agent.example, rpm: 100}\n"),
            (.group, group.id, "min_trust_level: OV\n"),
            (.agent, agent.id, "rate_limits:\n  - {did: did:web:agent.example, rpm: 10}\n"),
        ] {
            let proposal = try await policies.propose(tenant.principal, orgID: orgID, scope: scope, scopeID: id, yaml: "version: \"1\"\n" + yaml)
            _ = try await policies.approve(tenant.principal, orgID: orgID, id: proposal.id)
        }
        let (resolved, lineage) = try await policies.resolved(tenant.principal, orgID: orgID, agentID: agent.id)
        #expect(resolved.base.minTrustLevel == .OV)
        #expect(resolved.rateLimits == [RateLimitRule(did: "did:web:agent.example", rpm: 10)])
        #expect(lineage.fields["min_trust_level"] == ["group:\(group.id)"])
        #expect(lineage.fields["rate_limits.did:web:agent.example"] == ["agent:\(agent.id)"])

        let bundle = try await policies.bundle(tenant.principal, orgID: orgID)
        #expect(bundle.json["data"]?["agents"] == [["did": "did:web:agent.example", "status": "active"]])
        #expect(bundle.json["data"]?["config"]?["min_trust_level"] == "DV")
        let input: JSONValue = ["subject": ["did": "did:web:agent.example", "trust_level": "3"], "action": ["operation": "x"]]
        let allowed = try await policies.simulate(tenant.principal, orgID: orgID, inputs: [input])[0]
        #expect(allowed.decision.obligations == [["type": "rate_limit.apply", "params": ["rpm": 10, "key": "did:web:agent.example"]]])
        #expect(allowed.revision == bundle.revision)

        _ = try await world.agents.disable(tenant.principal, agent.id, reason: "test")
        let after = try await policies.bundle(tenant.principal, orgID: orgID)
        #expect(after.revision != bundle.revision)
        #expect(after.json["data"]?["agents"] == [["did": "did:web:agent.example", "status": "disabled"]])
        #expect(try await policies.simulate(tenant.principal, orgID: orgID, inputs: [input])[0].decision.reason == "subject agent is disabled")
        #expect(try await policies.bundle(tenant.principal, orgID: orgID).revision == after.revision)
    }

    @Test func signedBundleIsAJWSWithAMonotonicVersion() async throws {
        let world = try await World.make()
        let policies = service(world)
        let tenant = try await world.tenant()
        let first = try await policies.signedBundle(tenant.principal)
        let jws = try CompactJWS.parse(first)
        #expect(jws.header["typ"] == "capiscio.policy-bundle+jwt")
        #expect(jws.header["alg"] == "EdDSA" && jws.header["kid"] == .string(World.caKID))
        #expect(jws.verify(with: world.caKey.publicKey))
        let payload = jws.payload
        #expect(payload["version"] == 1)
        #expect(payload["issuer"] == .string(World.origin))
        #expect(payload["audience"] == [.string("urn:capiscio:workspace:\(tenant.org.id)")])
        let again = try CompactJWS.parse(try await policies.signedBundle(tenant.principal)).payload
        #expect(again["version"] == 1)
        let proposal = try await policies.propose(tenant.principal, orgID: tenant.org.id, scope: .org, scopeID: nil, yaml: "version: \"1\"\nmin_trust_level: SS\n")
        _ = try await policies.approve(tenant.principal, orgID: tenant.org.id, id: proposal.id)
        let changed = try CompactJWS.parse(try await policies.signedBundle(tenant.principal)).payload
        #expect(changed["version"] == 2)
    }
}
