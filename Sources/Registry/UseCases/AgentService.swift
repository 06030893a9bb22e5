import BadgeCore
import Foundation

/// Registry use cases for one kind of identity: agents, or MCP servers (`kind`, RFC-007). Every
/// operation is scoped to the caller's organisation and to `kind`; another organisation's agent,
/// or an identity of the other kind, is reported as not found so existence never leaks
/// (CONTRACT.md §2.7). Public resolution (`resolve`) finds either kind.
public struct AgentService: Sendable {
    /// The storage ports this use case needs.
    public typealias Store = AgentStore & UnitOfWork

    let store: any Store
    let clock: any RegistryClock
    public let issuer: IssuerIdentity
    /// The kind of identity this service lists, creates and changes.
    public let kind: AgentKind
    /// Documents built for `publicDocument`, reused for an unchanged row.
    let documents: BuiltDocuments

    public init(store: any Store, clock: any RegistryClock, issuer: IssuerIdentity, kind: AgentKind = .agent) {
        self.init(store: store, clock: clock, issuer: issuer, kind: kind, documents: BuiltDocuments())
    }

    private init(store: any Store, clock: any RegistryClock, issuer: IssuerIdentity, kind: AgentKind, documents: BuiltDocuments) {
        self.store = store
        self.clock = clock
        self.issuer = issuer
        self.kind = kind
        self.documents = documents
    }

    /// The same registry, for identities of `kind`.
    public func scoped(to kind: AgentKind) -> AgentService {
        AgentService(store: store, clock: clock, issuer: issuer, kind: kind, documents: documents)
    }

    var notFound: RegistryError { .notFound(kind) }

    // MARK: Lookup

    /// Finds an agent or MCP server by path reference, in any organisation (CONTRACT.md §1.2):
    /// UUID, then registered DID, then one of our registry `did:web` DIDs (whose `agents`/`servers`
    /// segment must match the kind found). `reference` is already decoded.
    public func resolve(_ reference: String, freshness: ReadFreshness = .current) async throws -> Agent? {
        guard !reference.isEmpty, reference.utf8.count <= 2048 else { return nil }
        let lookup: AgentLookup
        var registryKind: AgentKind?
        if let uuid = UUID(uuidString: reference) {
            lookup = .id(uuid.uuidString.lowercased())
        } else if !reference.hasPrefix("did:") {
            return nil
        } else if let subject = issuer.registrySubject(fromDID: reference), let uuid = UUID(uuidString: subject.id) {
            lookup = .didElseID(did: reference, id: uuid.uuidString.lowercased())
            registryKind = subject.kind
        } else {
            lookup = .did(reference)
        }
        let found = try await store.agent(lookup, freshness: freshness)
        if let registryKind, let found, found.did != reference, found.kind != registryKind { return nil }
        return found
    }

    /// The registry `did:web` document of agent `id` as published at `/agents/{id}/did.json`,
    /// built from a read at most 5 s old: it is published with `Cache-Control: max-age=300`, so
    /// that promises nothing the header does not. Never for decisions: issuance and verification
    /// read (or re-check) the store.
    public func publicDocument(id: String) async throws -> DIDDocument? {
        guard let agent = try await resolve(id, freshness: .recent(maxAge: 5, now: clock.now())), agent.kind == kind else { return nil }
        return try documents.document(for: agent) { try didDocument(for: $0) }
    }

    /// The caller's agent (or server) named by `reference`, or `agent_not_found` (`server_not_found`).
    public func get(_ principal: Principal, _ reference: String, freshness: ReadFreshness = .current) async throws -> Agent {
        guard let agent = try await resolve(reference, freshness: freshness), agent.orgID == principal.orgID, agent.kind == kind else {
            throw notFound
        }
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
        let rows = try await store.agents(orgID: principal.orgID, kind: kind, after: after, limit: limit.map { $0 + 1 })
        guard let limit, rows.count > limit else { return (rows, nil) }
        let page = Array(rows.prefix(limit))
        return (page, page.last.map { PageCursor(createdAt: $0.createdAt, id: $0.id).encoded })
    }

    /// The caller's agent (or server) registered with exactly `did`, as a list of zero or one
    /// (`?did=`): another organisation's, or the other kind's, identity with that DID is not listed.
    public func list(_ principal: Principal, did: String) async throws -> [Agent] {
        guard !did.isEmpty, did.utf8.count <= 2048, let agent = try await store.agent(did: did), agent.orgID == principal.orgID,
              agent.kind == kind
        else { return [] }
        return [agent]
    }

    // MARK: Changes

    public func create(_ principal: Principal, _ input: AgentInput) async throws -> Agent {
        guard case .some(.some(let rawName)) = input.name else { throw RegistryError.invalidRequest("name is required") }
        let now = clock.now()
        var agent = Agent(
            id: UUID().uuidString.lowercased(), orgID: principal.orgID, kind: kind, name: try AgentValidation.name(rawName), createdAt: now,
            updatedAt: now
        )
        agent.description = try AgentValidation.description(input.description ?? nil)
        agent.domain = try AgentValidation.domain(input.domain ?? nil, kind: kind)
        agent.url = try AgentValidation.url(input.url ?? nil)
        agent.protocol = try AgentValidation.protocol(input.protocol ?? nil)
        agent.agentCard = try AgentValidation.agentCard(input.agentCard ?? nil)
        if case .some(.some(let status)) = input.status {
            agent.status = try AgentValidation.status(status)
            if agent.status == .disabled { agent.disabledAt = now }
        }
        try applyIdentity(to: &agent, did: input.did ?? nil, publicKey: input.publicKey ?? nil)
        try await insertOrConflict(agent, event: event("created", agent, principal, details: ["name": .string(agent.name)]))
        return agent
    }

    /// Merge update: only fields present in `input` change (CONTRACT.md §4.3.5).
    public func update(_ principal: Principal, _ reference: String, _ input: AgentInput) async throws -> Agent {
        try await retryingChangedReads { try await updateOnce(principal, reference, input) }
    }

    private func updateOnce(_ principal: Principal, _ reference: String, _ input: AgentInput) async throws -> Agent {
        var agent = try await get(principal, reference)
        let original = agent
        if let name = input.name {
            guard let name else { throw RegistryError.invalidRequest("name cannot be null") }
            agent.name = try AgentValidation.name(name)
        }
        if let description = input.description { agent.description = try AgentValidation.description(description) }
        if let domain = input.domain { agent.domain = try AgentValidation.domain(domain, kind: kind) }
        if let url = input.url { agent.url = try AgentValidation.url(url) }
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
                    throw RegistryError(.identityImmutable, "this \(kind.noun) already has a different DID")
                }
            }
            try applyIdentity(to: &agent, did: did.flatMap { $0 } ?? agent.did, publicKey: input.publicKey ?? nil, keepKey: input.publicKey == nil)
        }
        guard agent != original else { return agent }
        agent.updatedAt = clock.now()
        let change = agent.status == .disabled && original.status != .disabled ? "disabled" : "updated"
        return try await saveOrConflict(agent, event: event(change, agent, principal), trustChanged: agent.status.isUsable != original.status.isUsable)
    }

    public func delete(_ principal: Principal, _ reference: String) async throws {
        let agent = try await get(principal, reference)
        let event = event("deleted", agent, principal)
        let notFound = notFound
        let now = clock.now()
        try await store.inTransaction { tx in
            guard try await tx.deleteAgent(id: agent.id, orgID: principal.orgID) else { throw notFound }
            try await tx.appendEvent(event)
            // Its live badges now name a deleted subject: a change of trust state (issue #14).
            try await tx.recordTrustChanges([.agentDeleted(id: agent.id, at: now)], at: now)
        }
    }

    /// Disables an agent: no new badges, status reports `disabled`. Idempotent: a second call keeps
    /// the first time and reason.
    public func disable(_ principal: Principal, _ reference: String, reason: String?) async throws -> Agent {
        if let reason, reason.count > 500 { throw RegistryError.invalidRequest("reason must be at most 500 characters") }
        return try await retryingChangedReads { try await disableOnce(principal, reference, reason: reason) }
    }

    private func disableOnce(_ principal: Principal, _ reference: String, reason: String?) async throws -> Agent {
        var agent = try await get(principal, reference)
        guard agent.status != .disabled else { return agent }
        let now = clock.now()
        agent.status = .disabled
        agent.disabledAt = now
        agent.disableReason = reason
        agent.updatedAt = now
        return try await saveOrConflict(agent, event: event("disabled", agent, principal, details: ["reason": .optional(reason)]), trustChanged: true)
    }

    /// Re-enables a disabled agent. A suspension is an operator's decision and is not lifted here.
    public func enable(_ principal: Principal, _ reference: String) async throws -> Agent {
        try await retryingChangedReads { try await enableOnce(principal, reference) }
    }

    private func enableOnce(_ principal: Principal, _ reference: String) async throws -> Agent {
        var agent = try await get(principal, reference)
        switch agent.status {
        case .active, .inactive: return agent
        case .suspended: throw RegistryError(.agentSuspended, "this \(kind.noun) is suspended by an operator")
        case .disabled:
            agent.status = .active
            agent.disabledAt = nil
            agent.disableReason = nil
            agent.updatedAt = clock.now()
            return try await saveOrConflict(agent, event: event("enabled", agent, principal), trustChanged: true)
        }
    }

    /// Stores `domain` as `agent`'s (a server's badge request names it once, renewals do not),
    /// returning the row as saved; `agent` itself when it already has that domain. Refuses
    /// (`agent_disabled`) when the current row is not usable: a refused badge request changes nothing.
    func rememberDomain(_ principal: Principal, _ agent: Agent, _ domain: String) async throws -> Agent {
        let domain = try AgentValidation.domain(domain, kind: kind)
        guard domain != agent.domain else { return agent }
        // Change the current row, not `agent`: that may be a recent read, and saving it would undo
        // whatever changed since (a disable on another replica, say).
        return try await retryingChangedReads {
            var current = try await get(principal, agent.id)
            try current.requireUsable()
            guard domain != current.domain else { return current }
            current.domain = domain
            current.updatedAt = clock.now()
            return try await saveOrConflict(current, event: event("updated", current, principal, details: ["domain": .optional(domain)]))
        }
    }

    /// Registers the agent's DID (and optionally key), write-once (CONTRACT.md §4.3.8).
    public func registerIdentity(_ principal: Principal, _ reference: String, did: String?, publicKey: JSONValue?) async throws -> Agent {
        try await retryingChangedReads { try await registerIdentityOnce(principal, reference, did: did, publicKey: publicKey) }
    }

    private func registerIdentityOnce(_ principal: Principal, _ reference: String, did: String?, publicKey: JSONValue?) async throws -> Agent {
        var agent = try await get(principal, reference)
        guard let did else { throw RegistryError.invalidRequest("did is required") }
        let normalized = try AgentValidation.did(did)
        let newKey = try AgentValidation.publicKey(publicKey)
        if let existing = agent.did, existing != normalized, !isOwnRegistryDID(existing, of: agent, matching: normalized) {
            throw RegistryError(.identityImmutable, "this \(kind.noun) already has a different DID")
        }
        try checkRegistryDID(normalized, of: agent)
        let before = agent
        if agent.did == nil { agent.did = normalized }
        if let newKey, agent.publicKeyJWK == nil {
            try AgentValidation.checkKeyMatchesDID(did: agent.did, key: newKey)
            agent.publicKeyJWK = newKey.compactJSON
        }
        guard agent != before else { return agent }
        agent.updatedAt = clock.now()
        return try await saveOrConflict(agent, event: event("identity_registered", agent, principal, details: ["did": .optional(agent.did)]))
    }

    // MARK: Helpers

    /// Sets DID and key together so a did:key and an explicit key can never disagree.
    private func applyIdentity(to agent: inout Agent, did: String?, publicKey: JSONValue?, keepKey: Bool = false) throws {
        let normalizedDID = try AgentValidation.did(did)
        try checkRegistryDID(normalizedDID, of: agent)
        let key = keepKey ? nil : try AgentValidation.publicKey(publicKey)
        try AgentValidation.checkKeyMatchesDID(did: normalizedDID, key: key ?? agent.publicKeyJWK.flatMap(Self.storedKey))
        agent.did = normalizedDID
        if !keepKey { agent.publicKeyJWK = key?.compactJSON }
    }

    /// One of our registry DIDs may only be registered by the identity it names.
    private func checkRegistryDID(_ did: String?, of agent: Agent) throws {
        guard let did, let subject = issuer.registrySubject(fromDID: did) else { return }
        guard subject.kind == agent.kind, subject.id == agent.id else {
            throw RegistryError(.invalidDID, "that registry DID names another agent or server")
        }
    }

    /// Our own registry DID written in its other spelling (raw vs encoded port) is the same identity.
    private func isOwnRegistryDID(_ existing: String, of agent: Agent, matching candidate: String?) -> Bool {
        guard let candidate, let named = issuer.registrySubject(fromDID: existing), let other = issuer.registrySubject(fromDID: candidate) else {
            return false
        }
        return named == (agent.kind, agent.id) && other == (agent.kind, agent.id)
    }

    static func storedKey(_ text: String) -> PublicJWK? { PublicJWK.fromCompactJSON(text) }

    /// The audit event `<agent|server>.<change>` for `agent`.
    private func event(_ change: String, _ agent: Agent, _ principal: Principal, details: [String: JSONValue] = [:]) -> AuditEvent {
        .make(
            "\(kind.eventPrefix).\(change)", orgID: agent.orgID, actor: principal.actor, subject: agent.id, agentID: agent.id,
            details: details, at: clock.now()
        )
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

    /// Saves the agent (read at `agent.revision`) and its audit event in one transaction, and
    /// returns it as stored; with `trustChanged` (it became usable or unusable) also raises the
    /// trust-state sequence in it (issue #14). Throws `ChangedSinceRead` when the stored row is no
    /// longer the one read: nothing is written, and the caller starts again from a fresh read.
    private func saveOrConflict(_ agent: Agent, event: AuditEvent, trustChanged: Bool = false) async throws -> Agent {
        let notFound = notFound
        do {
            try await store.inTransaction { tx in
                guard try await tx.updateAgent(agent) else {
                    guard try await tx.agent(id: agent.id)?.orgID == agent.orgID else { throw notFound }
                    throw ChangedSinceRead()
                }
                try await tx.appendEvent(event)
                if trustChanged { try await tx.recordTrustChanges([.agent(agent)], at: agent.updatedAt) }
            }
        } catch StoreError.uniqueViolation {
            throw Self.didInUse
        }
        var saved = agent
        saved.revision += 1
        return saved
    }

    /// A save found the agent changed since it was read.
    private struct ChangedSinceRead: Error {}

    /// How many times a read-modify-write runs before it gives up on an agent that keeps changing.
    public static let saveAttempts = 3

    /// Runs `operation` (read, change, `saveOrConflict`) again from a fresh read when another write
    /// came between its read and its save; after `saveAttempts`, answers 409 `conflict`.
    private func retryingChangedReads<T>(_ operation: () async throws -> T) async throws -> T {
        for attempt in 1...Self.saveAttempts {
            do {
                return try await operation()
            } catch is ChangedSinceRead where attempt < Self.saveAttempts {
                continue
            } catch is ChangedSinceRead {
                break
            }
        }
        throw RegistryError(.conflict, "this \(kind.noun) kept changing while the request was handled; retry")
    }

    static let didInUse = RegistryError(.didInUse, "this DID is already bound to another agent or server")
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
