import BadgeCore
import Foundation

/// The Badge CA's use cases: IAL-0 issuance, verification, status, revocation and the
/// revocation feed (RFC-002; CONTRACT.md §4.4, §4.6, §4.7).
public struct BadgeService: Sendable {
    /// The storage ports this use case needs.
    public typealias Store = BadgeLedgerStore & OrganizationStore & DVStore & RateCounterStore & LedgerBatching & UnitOfWork

    let store: any Store
    let clock: any RegistryClock
    let agents: AgentService
    let ca: CAService
    let policy: BadgePolicy
    let limiter: RateLimiter
    /// Resolver for `did:web` DIDs of other hosts (nil: such DIDs do not resolve).
    let remoteDIDResolver: (any DIDResolving)?
    public init(
        store: any Store, clock: any RegistryClock, agents: AgentService, ca: CAService, policy: BadgePolicy,
        remoteDIDResolver: (any DIDResolving)? = nil
    ) {
        self.store = store
        self.clock = clock
        self.agents = agents
        self.ca = ca
        self.policy = policy
        self.limiter = RateLimiter(store: store, clock: clock)
        self.remoteDIDResolver = remoteDIDResolver
    }

    /// Resolves any DID this CA accepts (did:key, our registry did:web, remote did:web).
    public var didResolver: any DIDResolving {
        RegistryDIDResolver(agents: agents, remote: remoteDIDResolver)
    }

    var issuer: IssuerIdentity { agents.issuer }

    // MARK: Issuance

    /// Issues an IAL-0 badge for the agent `reference` of the caller `authenticate` resolves
    /// (CONTRACT.md §4.4 processing), returning the badge and what `authenticate` returned with the
    /// principal it used.
    ///
    /// The first attempt lets `authenticate` use a recently read API key (`fresh` false) and uses a
    /// recently read agent; the ledger transaction re-checks both. If either changed in between
    /// (`issuance_basis_stale`), the badge is neither recorded nor returned and the request is
    /// attempted once more from fresh reads, which also turn a revoked key or disabled agent into
    /// the proper 401/403. (A retried request counts twice against the API-key rate limit; retries
    /// follow only a concurrent change.)
    ///
    /// `kind` says whether `reference` names an agent or an MCP server (see
    /// `issueIAL0(_:_:_:kind:cached:)` for how server badges differ).
    public func issueIAL0<Caller: Sendable>(
        _ reference: String, _ request: IAL0Request, kind: AgentKind = .agent,
        authenticate: @Sendable (_ fresh: Bool) async throws -> (principal: Principal, caller: Caller)
    ) async throws -> (badge: IssuedBadge, caller: Caller) {
        let first = try await authenticate(false)
        do {
            return (try await issueIAL0(first.principal, reference, request, kind: kind, cached: true, spend: true), first.caller)
        } catch let error as RegistryError where error.code == .issuanceBasisStale {
            // The same request again: its first attempt already spent the issuance budget.
            let fresh = try await authenticate(true)
            return (try await issueIAL0(fresh.principal, reference, request, kind: kind, cached: false, spend: false), fresh.caller)
        }
    }

    /// Issues an IAL-0 badge for the caller's agent `reference` (CONTRACT.md §4.4 processing).
    ///
    /// With `cached`, a usable agent read in the last few seconds is used without reading it again;
    /// the ledger transaction then checks that the agent row and `principal`'s API key are still as
    /// they were (`IssuanceBasis`) and otherwise throws `issuance_basis_stale` without recording
    /// or returning the badge: the caller retries without `cached`. Refusals never come from the
    /// cache, since only usable agents with a key are kept.
    ///
    /// Only an issuance that reaches signing spends the agent's issuance budget: refusals (level,
    /// TTL, key, no usable CA key) leave it untouched.
    ///
    /// MCP server badges (`kind` `.mcpServer`, RFC-007) differ in three ways: a `domain` in the
    /// request is remembered on the server (capiscio-mcp sends it first and renews with `{}`); the
    /// level, unless requested, is 2 when that domain's host is validated for the organisation and
    /// 1 otherwise; the subject is the server's registered DID, else its registry `did:web`.
    public func issueIAL0(
        _ principal: Principal, _ reference: String, _ request: IAL0Request, kind: AgentKind = .agent, cached: Bool = false
    ) async throws -> IssuedBadge {
        try await issueIAL0(principal, reference, request, kind: kind, cached: cached, spend: true)
    }

    private func issueIAL0(
        _ principal: Principal, _ reference: String, _ request: IAL0Request, kind: AgentKind, cached: Bool, spend: Bool
    ) async throws -> IssuedBadge {
        var agent = try await issuingAgent(principal, reference, kind: kind, cached: cached)
        try agent.requireUsable()
        let requestedDomain = request.domain.flatMap { $0.isEmpty ? nil : $0.lowercased() }
        let domain: String?
        let level: TrustLevel
        switch kind {
        case .agent:
            domain = requestedDomain ?? agent.domain
            level = request.level ?? .registered
        case .mcpServer:
            if let requestedDomain { agent = try await agents.scoped(to: .mcpServer).rememberDomain(principal, agent, requestedDomain) }
            domain = agent.domain.map(AgentValidation.host)
            let validated = if let domain { try await isDomainValidated(domain, orgID: agent.orgID) } else { false }
            level = request.level ?? (validated ? .domainValidated : .registered)
        }
        try await checkLevel(level, domain: domain, agent: agent)
        let ttl = try clampedTTL(request.ttlSeconds)
        // The key claim comes only from registry data, never from the request (RFC-002 §7.2.1).
        guard let key = agent.publicKey else {
            throw RegistryError(
                .agentKeyMissing,
                kind == .agent
                    ? "agent has no registered public key; register one with PATCH /v1/sdk/agents/{id}/identity"
                    : "MCP server has no registered public key; register one with PUT /v1/sdk/servers/{id}"
            )
        }
        let signer = try await ca.activeSigner()
        let rate = try await spendIssuance(agentID: agent.id, spend: spend)

        let now = clock.now()
        let subject = kind == .agent ? issuer.agentDID(agent.id) : agent.did ?? issuer.registryDID(of: agent)
        let claims = BadgeClaims(
            jti: UUID().uuidString.lowercased(), iss: issuer.origin, sub: subject,
            aud: request.audience.flatMap { $0.isEmpty ? nil : $0 }, iat: now, exp: now + ttl, ial: "0", key: key,
            level: level, domain: domain, issuanceProfile: "registered"
        )
        let (token, kid) = try await sign(claims, with: signer)
        let record = BadgeRecord(
            jti: claims.jti, orgID: agent.orgID, agentID: agent.id, subject: claims.sub, level: level.rawValue, ial: "0",
            kid: kid, issuedAt: now, expiresAt: claims.exp, audience: claims.aud ?? []
        )
        var details: [String: JSONValue] = ["level": .string(level.rawValue), "ial": "0", "kid": .string(kid)]
        if kind == .mcpServer { details["server_id"] = .string(agent.id) }
        let event = AuditEvent.make(
            "badge.issued", orgID: agent.orgID, actor: principal.actor, subject: claims.jti, agentID: agent.id, details: details, at: now
        )
        let entry = LedgerEntry(
            badge: record, event: event, basis: IssuanceBasis(agent: agent, apiKeyID: principal.apiKeyID), logEntry: logEntry(record, token: token)
        )
        guard case .recorded(let logIndex) = try await store.recordIssuance(entry) else {
            throw Self.staleBasis
        }
        return IssuedBadge(token: token, claims: claims, rateLimit: rate, logIndex: logIndex)
    }

    /// The caller's agent for issuance: with `cached`, from a read up to `recentReadAge` seconds
    /// old (re-checked by the ledger transaction); a refusal is always decided on a current read.
    private func issuingAgent(_ principal: Principal, _ reference: String, kind: AgentKind, cached: Bool) async throws -> Agent {
        let registry = agents.scoped(to: kind)
        if cached, let agent = try? await registry.get(principal, reference, freshness: .recent(maxAge: Self.recentReadAge, now: clock.now())),
           agent.status.isUsable, agent.publicKey != nil {
            return agent
        }
        // A new read that also replaces what the store remembered, so the next issuance does not
        // start from the same stale row again.
        return try await registry.get(principal, reference, freshness: .recent(maxAge: 0, now: clock.now()))
    }

    /// How old a read of the API key or agent an issuance may start from.
    static let recentReadAge: Int64 = 30

    /// Thrown when the agent or API key changed between the read issuance started from and the
    /// ledger transaction: nothing was recorded.
    static let staleBasis = RegistryError(
        .issuanceBasisStale, "the agent or API key changed while the badge was being issued; retry the request"
    )

    /// Writes a badge (signed as `token`) to the ledger with its audit event, its transparency log
    /// entry and the caller's other changes (`also`), in one transaction; the response is sent
    /// only after this commits. (IAL-0 issuance, which has no other changes, goes through the
    /// group-committing `ledger` instead.) Returns the badge's log index (nil with the log off).
    func commit(
        _ badge: BadgeRecord, token: String, event: AuditEvent, also: @Sendable (any StoreTransaction) async throws -> Void
    ) async throws -> Int64? {
        let logEntry = logEntry(badge, token: token)
        return try await store.inTransaction { tx -> Int64? in
            let logIndex = try await tx.insertBadge(badge, logEntry: logEntry)
            try await also(tx)
            try await tx.appendEvent(event)
            return logIndex
        }
    }

    /// The badge's transparency log entry, or nil when the log is off.
    func logEntry(_ badge: BadgeRecord, token: String) -> LogEntryRecord? {
        ca.logsCredentials ? LogEntryRecord(badge: badge, iss: issuer.origin, token: token) : nil
    }

    /// Level gates: 1 for any registered agent; 2 needs a validated domain; 3/4 need an
    /// organisation an operator verified at that level (and a domain to name in the badge).
    private func checkLevel(_ level: TrustLevel, domain: String?, agent: Agent) async throws {
        switch level {
        case .selfSigned:
            throw RegistryError(.invalidTrustLevel, "level 0 badges are self-signed; this CA issues levels 1–4")
        case .registered:
            return
        case .domainValidated:
            guard let domain else { throw Self.domainRequired }
            guard try await isDomainValidated(domain, orgID: agent.orgID) else {
                throw RegistryError(.domainNotVerified, "domain \(domain) has not been validated for this organisation")
            }
        case .organizationValidated, .extended:
            guard domain != nil else { throw Self.domainRequired }
            let org = try await store.organization(id: agent.orgID)
            guard let verified = org?.verifiedLevel, verified >= Int(level.rawValue)! else {
                throw RegistryError(.trustLevelNotPermitted, "level \(level.rawValue) needs an operator to verify this organisation at that level")
            }
        }
    }

    /// Whether `orgID` has proven control of exactly `domain`: it holds a DV grant for it (from an
    /// order created with one of its API keys) that is neither revoked nor expired.
    private func isDomainValidated(_ domain: String, orgID: String) async throws -> Bool {
        try await DVService.isValidated(domain, orgID: orgID, store: store, now: clock.now())
    }

    static let domainRequired = RegistryError(.domainRequired, "levels 2–4 name a domain: set the agent's domain or send one")

    private func clampedTTL(_ requested: Int64?) throws -> Int64 {
        guard let requested else { return policy.defaultTTL }
        guard requested > 0 else { throw RegistryError(.invalidTTL, "ttl must be a positive number of seconds") }
        return min(max(requested, policy.minTTL), policy.maxTTL)
    }

    /// Counts one issuance for the agent (or, with `spend` false, only reports its standing).
    func spendIssuance(agentID: String, spend: Bool = true) async throws -> RateLimitStatus? {
        let bucket = "badge:agent:\(agentID)"
        return spend ? try await limiter.hit(bucket, policy.issuanceRate) : try await limiter.standing(bucket, policy.issuanceRate)
    }

    func sign(_ claims: BadgeClaims) async throws -> (token: String, kid: String) {
        try await sign(claims, with: try await ca.activeSigner())
    }

    /// Signs with a signer obtained before the issuance budget was spent.
    func sign(_ claims: BadgeClaims, with active: (kid: String, signer: any JWSSigner)) async throws -> (token: String, kid: String) {
        let (kid, signer) = active
        let header: JSONValue = ["alg": "EdDSA", "typ": "JWT", "kid": .string(kid)]
        return (try await JWS.sign(header: header, payload: claims.json, signer: signer), kid)
    }

    // MARK: Verification

    /// Full RFC-002 §8.1 verification with only this CA trusted; returns the claims or the
    /// §8.5 error (CONTRACT.md §4.6).
    public func verify(_ token: String, audience: String?) async -> Result<BadgeClaims, BadgeVerificationError> {
        let verifier = BadgeVerifier(
            keyResolver: OwnKeyResolver(ca: ca, issuer: issuer.origin), clockSkew: policy.clockSkew, requireKeyClaim: true,
            didResolver: didResolver, statusChecker: LedgerStatusChecker(service: self)
        )
        do {
            return .success(try await verifier.verify(token, now: clock.now(), audience: audience))
        } catch {
            return .failure(error)
        }
    }

    // MARK: Status and revocation

    /// The ledger entry of `jti` (any org: status is public).
    public func status(jti: String) async throws -> BadgeRecord? {
        guard !jti.isEmpty, jti.utf8.count <= 200 else { return nil }
        return try await store.badge(jti: jti)
    }

    /// Revokes one of the caller's badges. Idempotent: a second call returns the first
    /// revocation. Revoking never disables the agent (RFC-002 §7.5).
    ///
    /// With `kind`, only a badge issued to an identity of that kind is found (a badge of a deleted
    /// identity still is): the MCP server routes revoke server badges only.
    public func revoke(_ principal: Principal, jti: String, reason: String?, of kind: AgentKind? = nil) async throws -> BadgeRecord {
        if let kind {
            guard let badge = try await status(jti: jti), badge.orgID == principal.orgID else { throw Self.badgeNotFound }
            if let agentID = badge.agentID, let holder = try await agents.resolve(agentID), holder.kind != kind { throw Self.badgeNotFound }
        }
        return try await revoke(jti: jti, orgID: principal.orgID, actor: principal.actor, reason: reason)
    }

    /// An operator's revocation of any badge, whichever organisation it belongs to (including
    /// badges minted from anonymous DV grants, which no API key owns).
    public func revokeAsOperator(jti: String, reason: String?, operatorName: String) async throws -> BadgeRecord {
        guard let badge = try await status(jti: jti) else { throw Self.badgeNotFound }
        return try await revoke(jti: jti, orgID: badge.orgID, actor: "operator:\(operatorName)", reason: reason)
    }

    private func revoke(jti: String, orgID: String, actor: String, reason: String?) async throws -> BadgeRecord {
        if let reason, reason.count > 200 { throw RegistryError.invalidRequest("reason must be at most 200 characters") }
        guard !jti.isEmpty, jti.utf8.count <= 200 else { throw Self.badgeNotFound }
        let now = clock.now()
        return try await store.inTransaction { tx in
            guard let record = try await tx.revokeBadge(jti: jti, orgID: orgID, reason: reason, at: now) else {
                throw Self.badgeNotFound
            }
            // Only the call that revoked it is an event; repeats return the first revocation.
            if record.revokedAt == now, record.revocationReason == reason {
                try await tx.appendEvent(.make(
                    "badge.revoked", orgID: orgID, actor: actor, subject: jti, agentID: record.agentID,
                    details: ["reason": .optional(reason)], at: now
                ))
                try await tx.recordTrustChanges([.revocation(jti: jti, at: now)], at: now)
            }
            return record
        }
    }

    static let badgeNotFound = RegistryError(.badgeNotFound, "badge not found")

    /// The revocation feed: revoked badges since `since`, oldest first.
    public func revocations(since: Int64?, cursor: String?, limit: Int?) async throws -> (entries: [BadgeRecord], nextCursor: String?) {
        if let limit, !(1...1000).contains(limit) { throw RegistryError.invalidRequest("limit must be from 1 to 1000") }
        let after = try cursor.map { text in
            guard let parsed = PageCursor(encoded: text) else { throw RegistryError.invalidRequest("cursor is not valid") }
            return RevocationCursor(revokedAt: parsed.createdAt, jti: parsed.id)
        }
        let rows = try await store.revocations(since: since, after: after, limit: limit.map { $0 + 1 })
        guard let limit, rows.count > limit else { return (rows, nil) }
        let page = Array(rows.prefix(limit))
        return (page, page.last.map { PageCursor(createdAt: $0.revokedAt ?? 0, id: $0.jti).encoded })
    }
}

extension Principal {
    /// Audit actor string: which credential acted.
    public var actor: String { apiKeyID.map { "apikey:\($0)" } ?? "org:\(orgID)" }
}

extension BadgeService {
    /// The service clock's current time (for `syncedAt`).
    public func now() -> Int64 { clock.now() }
}
