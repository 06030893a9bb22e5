/// A proof-of-possession challenge (RFC-003 §8.1): phase 1 stores it, phase 2 consumes it once.
public struct ChallengeRecord: Sendable, Equatable {
    /// `ch-` + UUID.
    public var id: String
    /// ≥ 256 random bits, base64url; compared as a string.
    public var nonce: String
    /// The DID whose key must sign the proof (as it appeared in the route, decoded once).
    public var did: String
    public var agentID: String
    /// The organisation that asked (the challenge "account").
    public var orgID: String
    /// Audience and lifetime of the badge to issue; authoritative over anything phase 2 sends.
    public var badgeAudience: [String]
    public var badgeTTL: Int64
    /// The proof's expected `aud` (the issuer origin) and `htu` (stored byte for byte).
    public var proofAudience: String
    public var htu: String
    public var createdAt: Int64
    public var expiresAt: Int64
    public var used: Bool
    public var usedAt: Int64?
    public var issuedBadgeJTI: String?
    public var clientIP: String?

    public init(
        id: String, nonce: String, did: String, agentID: String, orgID: String, badgeAudience: [String], badgeTTL: Int64,
        proofAudience: String, htu: String, createdAt: Int64, expiresAt: Int64, used: Bool = false, usedAt: Int64? = nil,
        issuedBadgeJTI: String? = nil, clientIP: String? = nil
    ) {
        self.id = id
        self.nonce = nonce
        self.did = did
        self.agentID = agentID
        self.orgID = orgID
        self.badgeAudience = badgeAudience
        self.badgeTTL = badgeTTL
        self.proofAudience = proofAudience
        self.htu = htu
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.used = used
        self.usedAt = usedAt
        self.issuedBadgeJTI = issuedBadgeJTI
        self.clientIP = clientIP
    }
}
