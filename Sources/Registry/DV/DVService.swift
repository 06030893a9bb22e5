import BadgeCore
import Foundation

/// Domain validation (ACME-lite, RFC-002 §7.2.4; CONTRACT.md §4.8.1–4.8.3): orders, challenge
/// checks through a `DomainValidating` port, and CA-signed DV grants.
public struct DVService: Sendable {
    /// The storage ports this use case needs.
    public typealias Store = DVStore & ChallengeStore & RateCounterStore & UnitOfWork

    let store: any Store
    let clock: any RegistryClock
    let ca: CAService
    let issuer: IssuerIdentity
    let policy: DVPolicy
    /// Nil: no validator is configured, so no order can be finalized.
    let validator: (any DomainValidating)?
    let limiter: RateLimiter

    public init(
        store: any Store, clock: any RegistryClock, ca: CAService, issuer: IssuerIdentity, policy: DVPolicy,
        validator: (any DomainValidating)?
    ) {
        self.store = store
        self.clock = clock
        self.ca = ca
        self.issuer = issuer
        self.policy = policy
        self.validator = validator
        self.limiter = RateLimiter(store: store, clock: clock)
    }

    public static let grantType = "capiscio.dvgrant+jwt"
    public static let grantAudience = "capiscio:mint"

    static let orderNotFound = RegistryError(.orderNotFound, "order not found")

    /// What a new order asks for; `key` is the agent's public JWK, already stripped of private members.
    public struct OrderRequest: Sendable {
        public var domain: String
        public var challengeType: String
        public var key: PublicJWK

        public init(domain: String, challengeType: String, key: PublicJWK) {
            self.domain = domain
            self.challengeType = challengeType
            self.key = key
        }
    }

    // MARK: Orders

    /// Creates an order; `principal` (an API key) binds it to an organisation.
    public func createOrder(_ principal: Principal?, _ request: OrderRequest, clientIP: String?) async throws -> DVOrder {
        let domain = try DVDomain.normalize(request.domain)
        guard let type = DVChallengeType(rawValue: request.challengeType) else {
            throw RegistryError(.unsupportedChallenge, "challenge_type must be http-01 or dns-01")
        }
        let now = clock.now()
        if let principal { try await checkNotClaimed(domain, by: principal.orgID, now: now) }
        if try await store.countOutstandingDVOrders(domain: domain, now: now) >= policy.maxOutstandingPerDomain {
            throw Self.tooMany("at most \(policy.maxOutstandingPerDomain) outstanding orders per domain", limit: policy.maxOutstandingPerDomain, now: now)
        }
        if let clientIP, try await store.countOutstandingDVOrders(clientIP: clientIP, now: now) >= policy.maxOutstandingPerClient {
            throw Self.tooMany("at most \(policy.maxOutstandingPerClient) outstanding orders per client", limit: policy.maxOutstandingPerClient, now: now)
        }
        let lifetime = type == .http01 ? policy.http01Lifetime : policy.dns01Lifetime
        let order = DVOrder(
            id: UUID().uuidString.lowercased(), domain: domain, challengeType: type, token: Self.randomToken(),
            thumbprint: request.key.thumbprint(), orgID: principal?.orgID, clientIP: clientIP, createdAt: now, expiresAt: now + lifetime
        )
        try await store.inTransaction { tx in
            try await tx.insertDVOrder(order)
            try await tx.appendEvent(.make(
                "dv.order.created", orgID: order.orgID, actor: principal?.actor ?? "anonymous", subject: order.id,
                details: ["domain": .string(domain), "challenge_type": .string(type.rawValue), "jkt": .string(order.thumbprint)], at: now
            ))
        }
        return order
    }

    /// The order with this id, its expiry evaluated now.
    public func order(id: String) async throws -> DVOrder {
        let id = id.lowercased()
        guard Self.plausibleID(id), var order = try await store.dvOrder(id: id) else { throw Self.orderNotFound }
        order.status = order.status(at: clock.now())
        return order
    }

    /// The grant of a valid order.
    public func grant(of order: DVOrder) async throws -> DVGrant? {
        guard let jti = order.grantJTI else { return nil }
        return try await store.dvGrant(jti: jti)
    }

    // MARK: Finalize

    /// Runs the challenge check and, on success, issues and stores a DV grant. Repeating it for a
    /// valid order returns the same grant.
    public func finalize(id: String, principal: Principal?) async throws -> (order: DVOrder, grant: DVGrant) {
        var order = try await self.order(id: id)
        if let owner = order.orgID {
            guard let principal else { throw RegistryError.unauthorized }
            guard principal.orgID == owner else {
                throw RegistryError(.forbidden, "this order was created with another organisation's key")
            }
        }
        switch order.status {
        case .valid:
            guard let grant = try await self.grant(of: order) else { throw RegistryError(.internalError, "valid order without grant") }
            return (order, grant)
        case .expired:
            throw RegistryError(.orderExpired, "order expired; create a new one")
        case .invalid:
            throw RegistryError(.orderInvalid, "order failed too many validation attempts; create a new one")
        case .pending:
            break
        }
        let now = clock.now()
        if let owner = order.orgID { try await checkNotClaimed(order.domain, by: owner, now: now) }
        guard let validator else {
            throw RegistryError(.validationUnavailable, "domain validation is not configured on this server")
        }
        let challenge = DVChallenge(type: order.challengeType, domain: order.domain, token: order.token, expected: order.expectedContent)
        let result = await validator.check(challenge)
        let actor = principal?.actor ?? "anonymous"
        guard result.passed else {
            try await recordFailure(&order, result: result, actor: actor)
            throw RegistryError(.challengeFailed, "\(order.challengeType.rawValue) challenge failed: \(result.detail)")
        }
        let checkedAt = clock.now()
        let (grant, kid) = try await signGrant(order, now: checkedAt)
        let logEntry = ca.logsCredentials ? LogEntryRecord(grant: grant, iss: issuer.origin, kid: kid) : nil
        order.status = .valid
        order.finalizedAt = checkedAt
        order.grantJTI = grant.jti
        order.validatedVia = order.challengeType.rawValue
        order.validatedTarget = result.target
        order.validatedAt = checkedAt
        let finished = order
        let outcome = try await store.inTransaction { tx -> (won: Bool, logIndex: Int64?) in
            guard try await tx.updateDVOrder(finished, expectedStatus: .pending) else { return (false, nil) }
            let logIndex = try await tx.insertDVGrant(grant, logEntry: logEntry)
            try await tx.appendEvent(.make(
                "dv.order.validated", orgID: finished.orgID, actor: actor, subject: finished.id,
                details: [
                    "domain": .string(finished.domain), "method": .string(finished.challengeType.rawValue),
                    "target": .string(result.target), "validated_at": .int(checkedAt), "grant_jti": .string(grant.jti),
                ], at: checkedAt
            ))
            return (true, logIndex)
        }
        if outcome.won {
            var issued = grant
            issued.logIndex = outcome.logIndex
            return (finished, issued)
        }
        // A concurrent finalize won: return what it stored.
        let current = try await self.order(id: id)
        guard current.status == .valid, let stored = try await self.grant(of: current) else {
            throw RegistryError(.orderNotPending, "order is \(current.status.rawValue)")
        }
        return (current, stored)
    }

    private func recordFailure(_ order: inout DVOrder, result: DVCheckResult, actor: String) async throws {
        let now = clock.now()
        order.failedAttempts += 1
        if order.failedAttempts >= policy.maxFailedAttempts { order.status = .invalid }
        let failed = order
        _ = try await store.inTransaction { tx -> Bool in
            guard try await tx.updateDVOrder(failed, expectedStatus: .pending) else { return false }
            try await tx.appendEvent(.make(
                "dv.challenge.failed", orgID: failed.orgID, actor: actor, subject: failed.id,
                details: [
                    "domain": .string(failed.domain), "method": .string(failed.challengeType.rawValue), "target": .string(result.target),
                    "attempts": .int(Int64(failed.failedAttempts)), "detail": .string(result.detail),
                ], at: now
            ))
            return true
        }
    }

    /// The grant JWS (CONTRACT.md §5.3), signed by the CA's active key, and that key's id.
    private func signGrant(_ order: DVOrder, now: Int64) async throws -> (grant: DVGrant, kid: String) {
        let jti = "grant-" + UUID().uuidString.lowercased()
        let exp = now + min(policy.grantLifetime, 90 * 86_400)
        let payload: JSONValue = [
            "iss": .string(issuer.origin), "sub": .string(order.domain), "jti": .string(jti), "iat": .int(now), "exp": .int(exp),
            "aud": .string(Self.grantAudience), "cnf": ["jkt": .string(order.thumbprint)], "scope": ["badge:dv"],
        ]
        let (kid, signer) = try await ca.activeSigner()
        let header: JSONValue = ["alg": "EdDSA", "typ": .string(Self.grantType), "kid": .string(kid)]
        let token = try await JWS.sign(header: header, payload: payload, signer: signer)
        let grant = DVGrant(
            jti: jti, domain: order.domain, thumbprint: order.thumbprint, orgID: order.orgID, orderID: order.id, token: token,
            issuedAt: now, expiresAt: exp
        )
        return (grant, kid)
    }

    // MARK: Ownership

    /// Domain-ownership policy: an org may not validate a domain another org holds an active grant for.
    private func checkNotClaimed(_ domain: String, by orgID: String, now: Int64) async throws {
        let holders = try await store.activeDVGrants(domain: domain, now: now).compactMap(\.orgID)
        if holders.contains(where: { $0 != orgID }) {
            throw RegistryError(.domainClaimed, "another organisation holds an active validation for \(domain)")
        }
    }

    /// Whether `orgID` holds an active grant for exactly `domain`.
    public static func isValidated(_ domain: String, orgID: String, store: any DVStore, now: Int64) async throws -> Bool {
        try await store.activeDVGrants(domain: domain.lowercased(), now: now).contains { $0.orgID == orgID }
    }

    // MARK: Helpers

    static func randomToken() -> String {
        var rng = SystemRandomNumberGenerator()
        return Base64URL.encode((0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) })
    }

    static func plausibleID(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= 64 && id.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) || $0 == 0x2D }
    }

    static func tooMany(_ message: String, limit: Int, now: Int64) -> RegistryError {
        let status = RateLimitStatus(limit: limit, remaining: 0, resetAt: now + 60, retryAfter: 60)
        return RegistryError(.dvRateLimitExceeded, message + "; finalize or let some expire first", rateLimit: status)
    }
}
