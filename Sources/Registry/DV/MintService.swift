import BadgeCore
import Foundation

/// `POST /v1/badges/mint` (RFC-002 §7.2.5; CONTRACT.md §4.8.6, §6.4): a DV grant plus a PoP proof
/// by a key of the agent's `did:web` document buy a level-2 badge, with no account.
///
/// Minted badges go into the badge ledger like every other badge. Their organisation is the
/// grant's (orders created with an API key), else the fixed ``anonymousOrgID`` (anonymous orders):
/// status, the revocation feed and verification work the same for both, and the owning org can
/// revoke badges minted from its grants with its API key. A side table links each minted badge to
/// its grant and subject so agent status can answer for `did:web:<host>:agents:<id>` subjects.
public struct MintService: Sendable {
    /// The storage ports this use case needs.
    public typealias Store = DVStore & ChallengeStore & RateCounterStore & UnitOfWork

    let store: any Store
    let clock: any RegistryClock
    let ca: CAService
    let badges: BadgeService
    let issuer: IssuerIdentity
    let policy: DVPolicy
    let limiter: RateLimiter

    /// The ledger organisation of badges minted from anonymous grants (no organisation row:
    /// the ledger has no foreign key to organisations).
    public static let anonymousOrgID = "anonymous-dv"
    /// TTL bounds of minted badges (`exp_seconds`).
    public static let ttlRange: ClosedRange<Int64> = 60...3600
    public static let defaultTTL: Int64 = 300

    public init(store: any Store, clock: any RegistryClock, ca: CAService, badges: BadgeService, issuer: IssuerIdentity, policy: DVPolicy) {
        self.store = store
        self.clock = clock
        self.ca = ca
        self.badges = badges
        self.issuer = issuer
        self.policy = policy
        self.limiter = RateLimiter(store: store, clock: clock)
    }

    /// The mint request body, as the HTTP layer read it.
    public struct Request: Sendable {
        public var grant: String?
        public var proof: String?
        /// `badge_request`, untouched (its checks belong to phase 2).
        public var badgeRequest: JSONValue?
        public var clientIP: String?

        public init(grant: String?, proof: String?, badgeRequest: JSONValue?, clientIP: String?) {
            self.grant = grant
            self.proof = proof
            self.badgeRequest = badgeRequest
            self.clientIP = clientIP
        }
    }

    public struct Minted: Sendable {
        public var token: String
        public var claims: BadgeClaims
        /// The badge's transparency log index (nil when the log is off).
        public var logIndex: Int64?
    }

    /// The mint URL the proof's `aud` and `htu` are bound to.
    public var mintURL: String { issuer.origin + "/v1/badges/mint" }

    static func bad(_ code: ErrorCode, _ message: String) -> RegistryError { RegistryError(code, message) }
    static func popFailed(_ message: String) -> RegistryError { StandaloneProof.failed(message) }

    /// Runs the six phases of CONTRACT.md §6.4 in order (first failure wins), then issues.
    public func mint(_ request: Request) async throws -> Minted {
        _ = try await limiter.hit("mint:ip:\(request.clientIP ?? "unknown")", policy.mintPerClient, code: .dvRateLimitExceeded)
        let now = clock.now()

        // Phase 1: the grant.
        let grant = try await checkGrant(request.grant, now: now)
        _ = try await limiter.hit("mint:grant:\(grant.jti)", policy.mintPerGrant, code: .dvRateLimitExceeded)

        // Phase 2: the DID anchor, before anything is resolved.
        let badgeRequest = try checkBadgeRequest(request.badgeRequest, grantDomain: grant.domain)

        // Phase 3: proof structure and replay (no signature yet: no key is known).
        let proof = try await checkProofStructure(request.proof, now: now)

        // Phase 4: resolve the did:web document.
        let document: DIDDocument
        do {
            document = try await badges.didResolver.resolve(badgeRequest.sub)
        } catch {
            throw RegistryError(.dvDIDResolutionFailed, "the DID document of \(badgeRequest.sub) could not be resolved")
        }

        // Phase 5: the key that signed the proof.
        guard let selected = Self.selectKey(proof, in: document) else {
            (badges.remoteDIDResolver as? any DIDCacheInvalidating)?.invalidate(badgeRequest.sub)
            throw Self.popFailed("the proof signature does not verify with any key of the DID document")
        }

        // Phase 6: the key is the one the grant is bound to.
        guard selected.key.thumbprint() == grant.jkt else {
            throw Self.bad(.keyMismatch, "the proof key's thumbprint is not the grant's cnf.jkt")
        }

        return try await issue(grant: grant, request: badgeRequest, method: selected)
    }

    // MARK: Phase 1

    struct CheckedGrant {
        var jti: String
        var domain: String
        var jkt: String
        var orgID: String?
    }

    private func checkGrant(_ token: String?, now: Int64) async throws -> CheckedGrant {
        guard let token, !token.isEmpty, let jws = try? CompactJWS.parse(token) else {
            throw Self.bad(.invalidGrant, "grant must be a compact JWS")
        }
        let published = try await ca.publishedKeys()
        let candidates = jws.header["kid"]?.stringValue.map { kid in published.filter { $0.kid == kid } } ?? published
        guard jws.header["alg"]?.stringValue == "EdDSA", jws.signature.count == 64,
              candidates.contains(where: { jws.verify(with: $0.key) }) else {
            throw RegistryError(.grantSignatureInvalid, "the grant is not signed by this CA")
        }
        guard jws.header["typ"]?.stringValue == DVService.grantType else {
            throw Self.bad(.invalidGrant, "grant typ must be \(DVService.grantType)")
        }
        let claims = jws.payload
        guard claims["aud"]?.stringValue == DVService.grantAudience else {
            throw Self.bad(.grantInvalidAud, "grant aud must be \(DVService.grantAudience)")
        }
        guard let iat = claims["iat"]?.intValue, iat <= now + policy.clockSkew else {
            throw Self.bad(.grantMissingIAT, "grant iat must be present and not in the future")
        }
        guard let exp = claims["exp"]?.intValue, exp > now else { throw Self.bad(.grantExpired, "the grant has expired") }
        guard let jti = claims["jti"]?.stringValue, let domain = claims["sub"]?.stringValue,
              let jkt = claims["cnf"]?["jkt"]?.stringValue, jti.utf8.count <= 100 else {
            throw Self.bad(.invalidGrant, "grant must carry jti, sub and cnf.jkt")
        }
        // Revocation from the same store the grant status endpoint reads.
        guard let stored = try await store.dvGrant(jti: jti), stored.domain == domain, stored.thumbprint == jkt else {
            throw Self.bad(.invalidGrant, "the grant is not on record")
        }
        guard stored.revokedAt == nil else { throw RegistryError(.grantRevoked, "the grant has been revoked") }
        return CheckedGrant(jti: jti, domain: domain, jkt: jkt, orgID: stored.orgID)
    }

    // MARK: Phase 2

    struct BadgeRequest {
        var sub: String
        var agentSegment: String?
        var audience: [String]?
        var ttl: Int64
    }

    private func checkBadgeRequest(_ value: JSONValue?, grantDomain: String) throws -> BadgeRequest {
        guard let members = value?.objectValue else { throw Self.bad(.dvInvalidRequest, "badge_request must be an object") }
        guard let sub = members["sub"]?.stringValue, !sub.isEmpty else {
            throw Self.bad(.dvInvalidRequest, "badge_request.sub must be a did:web")
        }
        guard sub.hasPrefix("did:web:"), let parsed = try? DIDWeb.parse(sub), parsed.port == nil, parsed.host == grantDomain else {
            throw Self.bad(.didDomainMismatch, "badge_request.sub must be a did:web whose host is exactly \(grantDomain)")
        }
        for forbidden in ["level", "domain", "issuance_profile"] where members[forbidden] != nil {
            throw Self.bad(.dvInvalidRequest, "badge_request must not set \(forbidden): the CA derives it from the grant")
        }
        var audience: [String]?
        switch members["aud"] {
        case nil, .null?: audience = nil
        case .string(let one)?: audience = one.isEmpty ? nil : [one]
        case .array(let items)?:
            let strings = items.compactMap(\.stringValue)
            guard strings.count == items.count else { throw Self.bad(.dvInvalidRequest, "badge_request.aud must be a string or an array of strings") }
            audience = strings.isEmpty ? nil : strings
        default: throw Self.bad(.dvInvalidRequest, "badge_request.aud must be a string or an array of strings")
        }
        var ttl = Self.defaultTTL
        if let requested = members["exp_seconds"], requested != .null {
            guard let seconds = requested.intValue else { throw Self.bad(.dvInvalidRequest, "badge_request.exp_seconds must be an integer") }
            ttl = min(max(seconds, Self.ttlRange.lowerBound), Self.ttlRange.upperBound)
        }
        var segment: String?
        if let index = parsed.path.lastIndex(of: "agents"), index + 1 < parsed.path.count { segment = parsed.path[index + 1] }
        return BadgeRequest(sub: sub, agentSegment: segment, audience: audience, ttl: ttl)
    }

    // MARK: Phase 3

    private func checkProofStructure(_ token: String?, now: Int64) async throws -> CompactJWS {
        guard let token, !token.isEmpty, let jws = try? CompactJWS.parse(token) else { throw Self.popFailed("proof must be a compact JWS") }
        try StandaloneProof.checkHeader(jws)
        let claims = jws.payload
        let accepted = [mintURL, issuer.origin]
        guard StandaloneProof.audiences(claims["aud"]).contains(where: accepted.contains) else { throw Self.popFailed("proof aud must be \(mintURL)") }
        guard claims["htm"]?.stringValue == "POST" else { throw Self.popFailed("proof htm must be POST") }
        guard claims["htu"]?.stringValue == mintURL else { throw Self.popFailed("proof htu must be \(mintURL)") }
        try await StandaloneProof.checkFreshness(claims, now: now, skew: policy.clockSkew, namespace: "mint:", store: store)
        return jws
    }

    // MARK: Phase 5

    /// The header `kid` method first; otherwise (or when it does not verify) every method in
    /// document order, the smallest id among those that verify.
    static func selectKey(_ proof: CompactJWS, in document: DIDDocument) -> (id: String, key: PublicJWK)? {
        guard proof.signature.count == 64 else { return nil }
        if let kid = proof.header["kid"]?.stringValue, let method = document.method(withID: kid), let key = method.publicKey,
           proof.verify(with: key) {
            return (method.id, key)
        }
        let verifying = document.verificationMethods.compactMap { method -> (id: String, key: PublicJWK)? in
            guard let key = method.publicKey, proof.verify(with: key) else { return nil }
            return (method.id, key)
        }
        return verifying.min { $0.id < $1.id }
    }

    // MARK: Issue

    private func issue(grant: CheckedGrant, request: BadgeRequest, method: (id: String, key: PublicJWK)) async throws -> Minted {
        let now = clock.now()
        let claims = BadgeClaims(
            jti: UUID().uuidString.lowercased(), iss: issuer.origin, sub: request.sub, aud: request.audience, iat: now,
            exp: now + request.ttl, ial: "1", key: method.key, cnfKID: method.id, level: .domainValidated, domain: grant.domain,
            issuanceProfile: "anonymous_dv"
        )
        let (token, kid) = try await badges.sign(claims)
        let record = BadgeRecord(
            jti: claims.jti, orgID: grant.orgID ?? Self.anonymousOrgID, agentID: nil, subject: claims.sub, level: "2", ial: "1",
            kid: kid, issuedAt: now, expiresAt: claims.exp, audience: request.audience ?? []
        )
        let event = AuditEvent.make(
            "badge.minted", orgID: grant.orgID, actor: "proof:jkt:\(grant.jkt)", subject: claims.jti,
            details: [
                "sub": .string(claims.sub), "level": "2", "ial": "1", "issuance_profile": "anonymous_dv", "domain": .string(grant.domain),
                "grant_jti": .string(grant.jti), "cnf_kid": .string(method.id), "kid": .string(kid),
            ], at: now
        )
        let segment = request.agentSegment
        let logIndex = try await badges.commit(record, token: token, event: event) { tx in
            try await tx.insertMintedBadge(jti: claims.jti, subject: claims.sub, agentSegment: segment, grantJTI: grant.jti, expiresAt: claims.exp)
        }
        return Minted(token: token, claims: claims, logIndex: logIndex)
    }

    // MARK: Agent status for minted subjects

    /// The subject of a live minted badge that `reference` names: the full DID, or the segment
    /// after `agents` (what Go verifiers put in `/v1/agents/{id}/status`). Subjects on our own
    /// host are registry DIDs and never answered from minted badges.
    public func liveMintedSubject(_ reference: String) async throws -> String? {
        guard !reference.isEmpty, reference.utf8.count <= 2048 else { return nil }
        let now = clock.now()
        let subjects: [String]
        if reference.hasPrefix("did:") {
            subjects = try await store.liveMintedSubject(subject: reference, now: now).map { [$0] } ?? []
        } else {
            subjects = try await store.liveMintedSubjects(agentSegment: reference, now: now)
        }
        return subjects.first { (try? DIDWeb.parse($0).host.lowercased()) != issuer.host }
    }
}
