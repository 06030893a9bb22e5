import BadgeCore
import Foundation

/// Proof-of-possession issuance (RFC-003): phase 1 hands out a single-use challenge, phase 2
/// checks a proof signed by the DID's key and issues an IAL-1 badge bound to that key.
public struct PoPService: Sendable {
    /// The storage ports this use case needs.
    public typealias Store = AgentStore & ChallengeStore & AuditStore & RateCounterStore & UnitOfWork

    let store: any Store
    let clock: any RegistryClock
    let agents: AgentService
    let badges: BadgeService
    let policy: PoPPolicy
    let limiter: RateLimiter

    public init(store: any Store, clock: any RegistryClock, agents: AgentService, badges: BadgeService, policy: PoPPolicy) {
        self.store = store
        self.clock = clock
        self.agents = agents
        self.badges = badges
        self.policy = policy
        self.limiter = RateLimiter(store: store, clock: clock)
    }

    var issuer: IssuerIdentity { agents.issuer }

    // MARK: Phase 1

    /// Creates a challenge for the caller's agent bound to `did` (the route DID, decoded once).
    public func createChallenge(_ principal: Principal, did: String, _ request: ChallengeRequest, clientIP: String?) async throws -> ChallengeRecord {
        guard let parsed = try? DID.parse(did), parsed.method == "key" || parsed.method == "web" else {
            throw PoPError.invalidDID
        }
        if parsed.method == "key", (try? DIDKey.publicKey(fromDID: did)) == nil { throw PoPError.invalidDID }
        guard let agent = try await agents.resolve(did) else { throw RegistryError.agentNotFound }
        guard agent.orgID == principal.orgID else {
            throw RegistryError(.agentNotOwned, "this agent belongs to another organisation")
        }
        guard agent.status.isUsable else { throw RegistryError(.agentDisabled, "agent is \(agent.status.rawValue)") }
        if issuer.agentID(fromRegistryDID: did) != nil, agent.publicKey == nil {
            throw RegistryError(.agentKeyMissing, "agent has no public key to publish in its DID document")
        }
        // The failed-proof cooldown stops proofs, never the owner's own challenge requests.
        _ = try await limiter.hit("pop:challenge:did:\(did)", policy.challengesPerDID)

        let now = clock.now()
        let badgeTTL = try clamp(request.badgeTTL, default: badges.policy.defaultTTL, min: badges.policy.minTTL, max: badges.policy.maxTTL, name: "badge_ttl")
        let challengeTTL = try clamp(request.challengeTTL, default: policy.challengeTTLDefault, min: policy.challengeTTLMin, max: policy.challengeTTLMax, name: "challenge_ttl")
        var nonce = [UInt8](repeating: 0, count: 32)
        var rng = SystemRandomNumberGenerator()
        for i in nonce.indices { nonce[i] = rng.next() }
        let challenge = ChallengeRecord(
            id: "ch-" + UUID().uuidString.lowercased(), nonce: Base64URL.encode(nonce), did: did, agentID: agent.id,
            orgID: principal.orgID, badgeAudience: request.badgeAudience ?? [], badgeTTL: badgeTTL, proofAudience: issuer.origin,
            htu: Self.htu(issuer: issuer.origin, did: did), createdAt: now, expiresAt: now + challengeTTL, clientIP: clientIP
        )
        try await store.inTransaction { tx in
            try await tx.insertChallenge(challenge)
            try await tx.appendEvent(.make(
                "pop.challenge.created", orgID: principal.orgID, actor: principal.actor, subject: challenge.id, agentID: agent.id,
                details: ["did": .string(did)], at: now
            ))
        }
        return challenge
    }

    /// `<issuer>/v1/agents/<did, every byte outside A-Z a-z 0-9 - . _ ~ as %XX upper-case>/badge/pop`,
    /// built by concatenation and never parsed back (RFC-003 §6.4).
    static func htu(issuer: String, did: String) -> String {
        var encoded = ""
        for byte in did.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                encoded.append(Character(Unicode.Scalar(byte)))
            default:
                encoded += String(format: "%%%02X", byte)
            }
        }
        return issuer + "/v1/agents/" + encoded + "/badge/pop"
    }

    private func clamp(_ value: Int64?, default fallback: Int64, min lower: Int64, max upper: Int64, name: String) throws -> Int64 {
        guard let value else { return fallback }
        guard value > 0 else { throw RegistryError(.invalidRequest, "\(name) must be a positive number of seconds") }
        return Swift.min(Swift.max(value, lower), upper)
    }

    /// Refuses proofs while the DID is in failed-proof cooldown (RFC-003 §8.4).
    func checkCooldown(_ did: String) async throws {
        let rule = policy.failedProofsPerDID
        guard rule.limit > 0 else { return }
        let now = clock.now()
        let failures = try await store.rateCount(bucket: "pop:failed:did:\(did)", windowStart: now - now % rule.windowSeconds)
        if failures >= rule.limit {
            let resetAt = now - now % rule.windowSeconds + rule.windowSeconds
            let status = RateLimitStatus(limit: rule.limit, remaining: 0, resetAt: resetAt, retryAfter: Int(Swift.max(1, resetAt - now)))
            throw RegistryError(.rateLimitExceeded, "too many failed proofs for this DID; retry after \(status.retryAfter) s", rateLimit: status)
        }
    }

}

/// Error codes of RFC-003 §11 (lower_snake, CONTRACT.md §1.4).
enum PoPError {
    static let invalidDID = RegistryError(.invalidDID, "DID must be a valid did:key (Ed25519) or did:web")
    static func bad(_ code: ErrorCode, _ message: String) -> RegistryError { RegistryError(code, message) }
    static func denied(_ code: ErrorCode, _ message: String) -> RegistryError { RegistryError(code, message) }
}
