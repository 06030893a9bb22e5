import BadgeCore
import Foundation
import MemoryStore
import Registry
import Testing

/// The registry's use cases wired as `buildRouter` wires them, over an `InMemoryStore`, a fixed
/// `TestClock`, an in-memory CA key, a fake domain validator and a fake `did:web` resolver.
struct World: Sendable {
    static let origin = "https://registry.test.example"
    static let caKID = "test-ca-1"

    let store: InMemoryStore
    let clock: TestClock
    let issuer: IssuerIdentity
    let caKey: PrivateJWK
    let ca: CAService
    let agents: AgentService
    /// The store `agents` reads and writes through.
    let agentStore: LaggingAgentStore
    let badges: BadgeService
    let pop: PoPService
    let apiKeys: APIKeyService
    let identities: IdentityService
    let organizations: OrganizationService
    let dv: DVService
    let mint: MintService
    let validator: FakeDomainValidator
    let resolver: StaticDIDResolver

    /// A fresh registry. `validating: false` leaves DV without a validator.
    static func make(
        badgePolicy: BadgePolicy = BadgePolicy(), popPolicy: PoPPolicy = PoPPolicy(), dvPolicy: DVPolicy = DVPolicy(),
        validating: Bool = true
    ) async throws -> World {
        let store = InMemoryStore()
        let clock = TestClock()
        let issuer = IssuerIdentity(origin: origin)
        let caKey = PrivateJWK.generate(kid: caKID)
        let ca = CAService(store: store, keys: MemoryCAKeys(keys: [caKID: caKey]), clock: clock)
        try await ca.bootstrap(primary: caKey.publicKey, kid: caKID)
        let resolver = StaticDIDResolver()
        let validator = FakeDomainValidator()
        // Agents are read through a store that remembers recent reads, as the SQL store does.
        let agentStore = LaggingAgentStore(store)
        let agents = AgentService(store: agentStore, clock: clock, issuer: issuer)
        let badges = BadgeService(store: store, clock: clock, agents: agents, ca: ca, policy: badgePolicy, remoteDIDResolver: resolver)
        return World(
            store: store, clock: clock, issuer: issuer, caKey: caKey, ca: ca, agents: agents, agentStore: agentStore, badges: badges,
            pop: PoPService(store: store, clock: clock, agents: agents, badges: badges, policy: popPolicy),
            apiKeys: APIKeyService(store: store, clock: clock), identities: IdentityService(store: store, clock: clock),
            organizations: OrganizationService(store: store, clock: clock),
            dv: DVService(store: store, clock: clock, ca: ca, issuer: issuer, policy: dvPolicy, validator: validating ? validator : nil),
            mint: MintService(store: store, clock: clock, ca: ca, badges: badges, issuer: issuer, policy: dvPolicy),
            validator: validator, resolver: resolver
        )
    }

    /// Writes `agent` (a change of the row as last stored) straight on the store, as another replica
    /// would: this world's recent reads do not see it.
    func changeElsewhere(_ agent: Agent) async throws {
        let stored = try await store.inTransaction { try await $0.updateAgent(agent) }
        try #require(stored, "the change is made over the agent's current revision")
    }

    // MARK: Tenants and agents

    /// A new organisation with an all-scopes API key, and the principal that key authenticates as.
    func tenant(scopes: [String] = []) async throws -> Tenant {
        let org = try await organizations.findOrCreate("org-\(UUID().uuidString)")
        let key = try await apiKeys.create(orgID: org.id, name: "test", scopes: scopes)
        return Tenant(org: org, key: key.record, principal: try await apiKeys.authenticate(key.plaintext))
    }

    /// An agent registered with `did` (its key comes from the did:key, when it is one).
    func agent(_ tenant: Tenant, did: String, domain: String? = "pop.example.com") async throws -> Agent {
        var input = AgentInput()
        input.name = "agent"
        input.did = .some(did)
        input.domain = .some(domain)
        return try await agents.create(tenant.principal, input)
    }

    /// An agent with a public key and no DID (its registry did:web is its subject).
    func keyedAgent(_ tenant: Tenant, key: PrivateJWK = .generate(kid: "agent"), domain: String? = "agent.example.com") async throws -> Agent {
        var input = AgentInput()
        input.name = "keyed"
        input.publicKey = .some(key.publicKey.json)
        input.domain = .some(domain)
        return try await agents.create(tenant.principal, input)
    }

    /// Audit events of one type, oldest first.
    func events(_ type: String, orgID: String? = nil) async throws -> [AuditEvent] {
        try await store.events(EventQuery(orgID: orgID, type: type))
    }
}

/// An organisation, one of its API keys, and the principal the key authenticates as.
struct Tenant: Sendable {
    let org: Organization
    let key: APIKeyRecord
    let principal: Principal
}

/// An agent's own Ed25519 key and the did:key it controls.
struct AgentKeys: Sendable {
    let key = PrivateJWK.generate(kid: "agent")
    var did: String { DIDKey.did(for: key.publicKey) }
    /// The verification method of the did:key document: `<did>#<multibase>`.
    var kid: String { did + "#" + key.publicKey.multibase }
}

/// A JWS edit: header and payload members, changed before signing.
typealias JWSEdit = @Sendable (inout [String: JSONValue], inout [String: JSONValue]) -> Void

/// Signs `header` and `payload` (after `edit`) with `key`.
func sign(_ header: [String: JSONValue], _ payload: [String: JSONValue], key: PrivateJWK, edit: JWSEdit? = nil) async throws -> String {
    var header = header
    var payload = payload
    edit?(&header, &payload)
    return try await JWS.sign(header: .object(header), payload: .object(payload), signer: Ed25519Signer(key: key))
}
