import BadgeCore

/// Tunable rules of issuance (CONTRACT.md §9.2; issue #3).
public struct BadgePolicy: Sendable {
    /// TTL when the request names none, and the bounds requests are clamped into (seconds).
    public var defaultTTL: Int64 = 300
    public var minTTL: Int64 = 60
    public var maxTTL: Int64 = 3600
    /// Issuance per agent per minute (`BADGE_RATE_LIMIT_PER_MINUTE`; 0 disables).
    public var issuanceRate = RateLimit.perMinute(100)
    /// Badge verification tolerates this much clock difference (RFC-002 §8.1).
    public var clockSkew: Int64 = 60

    public init() {}
}

/// What a client asked for in an IAL-0 issuance request, read from any of the wire's aliases.
public struct IAL0Request: Sendable {
    public var level: TrustLevel?
    public var domain: String?
    public var ttlSeconds: Int64?
    public var audience: [String]?

    public init(level: TrustLevel? = nil, domain: String? = nil, ttlSeconds: Int64? = nil, audience: [String]? = nil) {
        self.level = level
        self.domain = domain
        self.ttlSeconds = ttlSeconds
        self.audience = audience
    }
}

/// An issued badge: the compact JWS and the claims it carries.
public struct IssuedBadge: Sendable {
    public let token: String
    public let claims: BadgeClaims
    /// The caller's standing against the issuance limit (nil when disabled).
    public let rateLimit: RateLimitStatus?
    /// The badge's transparency log index, given in the transaction that recorded it (nil when
    /// the log is off).
    public let logIndex: Int64?
}
