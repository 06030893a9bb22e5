import BadgeCore
import Foundation

/// Agent registry use cases. Every operation is scoped to the caller's organisation; another
/// organisation's agent is reported as not found so existence never leaks (CONTRACT.md §2.7).
public struct AgentService: Sendable {
    /// The storage ports this use case needs.
    public typealias Store = AgentStore & UnitOfWork

    let store: any Store
    let clock: any RegistryClock
    public let issuer: IssuerIdentity
    /// Documents built for `publicDocument`, reused for an unchanged row.
    let documents = BuiltDocuments()

    public init(store: any Store, clock: any RegistryClock, issuer: IssuerIdentity) {
        self.store = store
        self.clock = clock
        self.issuer = issuer
    }

    // MARK: Lookup

    /// Finds an agent by path reference, in any organisation (CONTRACT.md §1.2): UUID, then
    /// registered DID, then one of our registry `did:web` DIDs. `reference` is already decoded.
    public func resolve(_ reference: String, freshness: ReadFreshness = .current) async throws -> Agent? {
        guard !reference.isEmpty, reference.utf8.count <= 2048 else { return nil }
        let lookup: AgentLookup
        if let uuid = UUID(uuidString: reference) {
            lookup = .id(uuid.uuidString.lowercased())
        } else if !reference.hasPrefix("did:") {
            return nil
        } else if let id = issuer.agentID(fromRegistryDID: reference), let uuid = UUID(uuidString: id) {
            lookup = .didElseID(did: reference, id: uuid.uuidString.lowercased())
        } else {
            lookup = .did(reference)
        }
        return try await store.agent(lookup, freshness: freshness)
    }

    /// The registry `did:web` document of agent `id` as published at `/agents/{id}/did.json`,
    /// built from a read at most 5 s old: it is published with `Cache-Control: max-age=300`, so
    /// that promises nothing the header does not. Never for decisions: issuance and verification
    /// read (or re-check) the store.
    public func publicDocument(id: String) async throws -> DIDDocument? {
        guard let agent = try await resolve(id, freshness: .recent(maxAge: 5, now: clock.now())) else { return nil }
        return try documents.document(for: agent) { try didDocument(for: $0) }
    }

    /// The caller's agent named by `reference`, or `agent_not_found`.
    public func get(_ principal: Principal, _ reference: String, freshness: ReadFreshness = .current) async throws -> Agent {
        guard let agent = try await resolve(reference, freshness: freshness), agent.orgID == principal.orgID else { throw RegistryError.agentNotFound }
        return agent
    }

    /// One page of the caller's agents, oldest first. Without `limit`, every agent.
    public func list(_ principal: Principal, cursor: String?, limit: Int?) async throws -> (agents: [Agent], nextCursor: String?) {
        if let limit, !(1...1000).contains(limit) { throw RegistryError.invalidRequest("limit must be from 1 to 1000") }
        let after = try cursor.map { text in
            guard let cursor = PageCursor(encoded: text) else { throw RegistryError.invalidRequest("cursor is not valid") }
            return cursor
        }
        // Fetch one extra row to learn whether another page exists.
        let rows = try await store.agents(orgID: principal.orgID, after: after, limit: limit.map { $0 + 1 })
        guard let limit, rows.count > limit else { return (rows, nil) }
        let page = Array(rows.prefix(limit))
        return (page, page.last.map { PageCursor(createdAt: $0.createdAt, id: $0.id).encoded })
    }

    /// The caller's agent registered with exactly `did`, as a list of zero or one (`?did=`):
    /// another organisation's agent with that DID is not listed.
    public func list(_ principal: Principal, did: String) async throws -> [Agent] {
        guard !did.isEmpty, did.utf8.count <= 2048, let agent = try await store.agent(did: did), agent.orgID == principal.orgID else { return [] }
        return [agent]
    }

    // MARK: Changes

    public func create(_ principal: Principal, _ input: AgentInput) async throws -> Agent {
        guard case .some(.some(let rawName)) = input.name else { throw RegistryError.invalidRequest("name is required") }
        let now = clock.now()
        var agent = Agent(id: UUID().uuidString.lowercased(), orgID: principal.orgID, name: try AgentValidation.name(rawName), createdAt: now, updatedAt: now)
        agent.description = try AgentValidation.description(input.description ?? nil)
        agent.domain = try AgentValidation.domain(input.domain ?? nil)
        agent.protocol = try AgentValidation.protocol(input.protocol ?? nil)
        agent.agentCard = try AgentValidation.agentCard(input.agentCard ?? nil)
        if case .some(.some(let status)) = input.status {
            agent.status = try AgentValidation.status(status)
            if agent.status == .disabled { agent.disabledAt = now }
        }
        try applyIdentity(to: &agent, did: input.did ?? nil, publicKey: input.publicKey ?? nil)
        try await insertOrConflict(agent, event: .make("agent.created", orgID: agent.orgID, actor: principal.actor, subject: agent.id, agentID: agent.id, details: ["name": .string(agent.name)], at: now))
        return agent
    }

    /// Merge update: only fields present in `input` change (CONTRACT.md §4.3.5).
    public func update(_ principal: Principal, _ reference: String, _ input: AgentInput) async throws -> Agent {
        var agent = try await get(principal, reference)
        let original = agent
        if let name = input.name {
            guard let name else { throw RegistryError.invalidRequest("name cannot be null") }
            agent.name = try AgentValidation.name(name)
        }
        if let description = input.description { agent.description = try AgentValidation.description(description) }
        if let domain = input.domain { agent.domain = try AgentValidation.domain(domain) }
        if let proto = input.protocol { agent.protocol = try AgentValidation.protocol(proto) }
        if let card = input.agentCard { agent.agentCard = try AgentValidation.agentCard(card) }
        if case .some(.some(let requested)) = input.status {
            switch try AgentValidation.status(requested) {
            case .disabled where agent.status != .disabled:
                agent.status = .disabled
                agent.disabledAt = clock.now()
            case .active where !agent.status.isUsable, .inactive where !agent.status.isUsable:
                // The Python SDK PUTs status "active" on every start; that must not lift a
                // disable. Only POST …/enable does (CONTRACT.md §4.3.5).
                break
            case let status where agent.status.isUsable:
                agent.status = status
            default:
                break
            }
        }
        if input.did != nil || input.publicKey != nil {
            let did: String?? = input.did
            if case .some(let newDID) = did, newDID != agent.did {
                // A DID, once set, never changes through the API (CONTRACT.md §4.3.5, D-46).
                if agent.did != nil {
                    throw RegistryError(.identityImmutable, "this agent already has a different DID")
                }
            }
            try applyIdentity(to: &agent, did: did.flatMap { $0 } ?? agent.did, publicKey: input.publicKey ?? nil, keepKey: input.publicKey == nil)
        }
        guard agent != original else { return agent }
        agent.updatedAt = clock.now()
        let type = agent.status == .disabled && original.status != .disabled ? "agent.disabled" : "agent.updated"
        try await saveOrConflict(agent, event: event(type, agent, principal))
        return agent
    }

    public func delete(_ principal: Principal, _ reference: String) async throws {
        let agent = try await get(principal, reference)
        let event = event("agent.deleted", agent, principal)
        try await store.inTransaction { tx in
            guard try await tx.deleteAgent(id: agent.id, orgID: principal.orgID) else { throw RegistryError.agentNotFound }
            try await tx.appendEvent(event)
        }
    }

    /// Disables an agent: no new badges, status reports `disabled`. Idempotent: a second call keeps
    /// the first time and reason.
    public func disable(_ principal: Principal, _ reference: String, reason: String?) async throws -> Agent {
        var agent = try await get(principal, reference)
        if let reason, reason.count > 500 { throw RegistryError.invalidRequest("reason must be at most 500 characters") }
        guard agent.status != .disabled else { return agent }
        let now = clock.now()
        agent.status = .disabled
        agent.disabledAt = now
        agent.disableReason = reason
        agent.updatedAt = now
        try await saveOrConflict(agent, event: event("agent.disabled", agent, principal, details: ["reason": .optional(reason)]))
        return agent
    }

    /// Re-enables a disabled agent. A suspension is an operator's decision and is not lifted here.
    public func enable(_ principal: Principal, _ reference: String) async throws -> Agent {
        var agent = try await get(principal, reference)
        switch agent.status {
        case .active, .inactive: return agent
        case .suspended: throw RegistryError(.agentSuspended, "this agent is suspended by an operator")
        case .disabled:
            agent.status = .active
            agent.disabledAt = nil
            agent.disableReason = nil
            agent.updatedAt = clock.now()
            try await saveOrConflict(agent, event: event("agent.enabled", agent, principal))
            return agent
        }
    }

    /// Registers the agent's DID (and optionally key), write-once (CONTRACT.md §4.3.8).
    public func registerIdentity(_ principal: Principal, _ reference: String, did: String?, publicKey: JSONValue?) async throws -> Agent {
        var agent = try await get(principal, reference)
        guard let did else { throw RegistryError.invalidRequest("did is required") }
        let normalized = try AgentValidation.did(did)
        let newKey = try AgentValidation.publicKey(publicKey)
        if let existing = agent.did, existing != normalized, !isOwnRegistryDID(existing, of: agent, matching: normalized) {
            throw RegistryError(.identityImmutable, "this agent already has a different DID")
        }
        if let own = issuer.agentID(fromRegistryDID: normalized ?? ""), own != agent.id {
            throw RegistryError(.invalidDID, "that registry DID names another agent")
        }
        let before = agent
        if agent.did == nil { agent.did = normalized }
        if let newKey, agent.publicKeyJWK == nil {
            try AgentValidation.checkKeyMatchesDID(did: agent.did, key: newKey)
            agent.publicKeyJWK = newKey.compactJSON
        }
        guard agent != before else { return agent }
        agent.updatedAt = clock.now()
        try await saveOrConflict(agent, event: event("agent.identity_registered", agent, principal, details: ["did": .optional(agent.did)]))
        return agent
    }

    // MARK: Helpers

    /// Sets DID and key together so a did:key and an explicit key can never disagree.
    private func applyIdentity(to agent: inout Agent, did: String?, publicKey: JSONValue?, keepKey: Bool = false) throws {
        let normalizedDID = try AgentValidation.did(did)
        if let normalizedDID, let own = issuer.agentID(fromRegistryDID: normalizedDID), own != agent.id {
            throw RegistryError(.invalidDID, "that registry DID names another agent")
        }
        let key = keepKey ? nil : try AgentValidation.publicKey(publicKey)
        try AgentValidation.checkKeyMatchesDID(did: normalizedDID, key: key ?? agent.publicKeyJWK.flatMap(Self.storedKey))
        agent.did = normalizedDID
        if !keepKey { agent.publicKeyJWK = key?.compactJSON }
    }

    /// Our own registry DID written in its other spelling (raw vs encoded port) is the same identity.
    private func isOwnRegistryDID(_ existing: String, of agent: Agent, matching candidate: String?) -> Bool {
        guard let candidate else { return false }
        return issuer.agentID(fromRegistryDID: existing) == agent.id && issuer.agentID(fromRegistryDID: candidate) == agent.id
    }

    static func storedKey(_ text: String) -> PublicJWK? { PublicJWK.fromCompactJSON(text) }

    private func event(_ type: String, _ agent: Agent, _ principal: Principal, details: [String: JSONValue] = [:]) -> AuditEvent {
        .make(type, orgID: agent.orgID, actor: principal.actor, subject: agent.id, agentID: agent.id, details: details, at: clock.now())
    }

    /// Inserts the agent and its audit event in one transaction.
    private func insertOrConflict(_ agent: Agent, event: AuditEvent) async throws {
        do {
            try await store.inTransaction { tx in
                try await tx.insertAgent(agent)
                try await tx.appendEvent(event)
            }
        } catch StoreError.uniqueViolation {
            throw Self.didInUse
        }
    }

    /// Saves the agent and its audit event in one transaction.
    private func saveOrConflict(_ agent: Agent, event: AuditEvent) async throws {
        do {
            try await store.inTransaction { tx in
                guard try await tx.updateAgent(agent) else { throw RegistryError.agentNotFound }
                try await tx.appendEvent(event)
            }
            } catch StoreError.uniqueViolation {
            throw Self.didInUse
        }
    }

    static let didInUse = RegistryError(.didInUse, "this DID is already bound to another agent")
}

extension PageCursor {
    /// Opaque text form: base64url of `createdAt:id`.
    public var encoded: String { Base64URL.encode(Array("\(createdAt):\(id)".utf8)) }

    public init?(encoded: String) {
        guard encoded.count <= 200, let bytes = Base64URL.decode(encoded) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        guard let colon = text.firstIndex(of: ":"), let createdAt = Int64(text[..<colon]) else { return nil }
        self.init(createdAt: createdAt, id: String(text[text.index(after: colon)...]))
    }
}
