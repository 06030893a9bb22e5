/// Limits of proof-of-possession issuance (RFC-003 §3.1, §8.4; CONTRACT.md §4.5, §7).
public struct PoPPolicy: Sendable {
    /// Challenge lifetime: default, floor (Go clients sign `exp = iat + 60` and need headroom,
    /// CONTRACT.md D-56) and ceiling (RFC-003 §3.1).
    public var challengeTTLDefault: Int64 = 300
    public var challengeTTLMin: Int64 = 90
    public var challengeTTLMax: Int64 = 600
    /// Challenges per DID (issue #4: 10 per 5 minutes).
    public var challengesPerDID = RateLimit(limit: 10, windowSeconds: 300)
    /// Phase-2 submissions per DID and per challenge account (RFC-003 §8.4).
    public var proofsPerDID = RateLimit.perMinute(10)
    public var proofsPerAccount = RateLimit.perMinute(50)
    /// After this many failed proofs per DID (on challenges issued for it), its proofs wait out the window.
    public var failedProofsPerDID = RateLimit(limit: 5, windowSeconds: 900)
    /// Proof lifetime ceiling (RFC-003 step 16) and clock tolerance (steps 13–15).
    public var maxProofLifetime: Int64 = 60
    public var clockSkew: Int64 = 60
    /// A proof jti is remembered at least this long (RFC-002 §7.2.5 step 14).
    public var minJTIRetention: Int64 = 120

    public init() {}
}

/// Phase-1 parameters a caller may set (CONTRACT.md §4.5.1).
public struct ChallengeRequest: Sendable {
    public var badgeTTL: Int64?
    public var challengeTTL: Int64?
    public var badgeAudience: [String]?

    public init(badgeTTL: Int64? = nil, challengeTTL: Int64? = nil, badgeAudience: [String]? = nil) {
        self.badgeTTL = badgeTTL
        self.challengeTTL = challengeTTL
        self.badgeAudience = badgeAudience
    }
}
