/// A domain-validation order (ACME-lite, RFC-002 §7.2.4; CONTRACT.md §4.8.1–4.8.3).
public struct DVOrder: Sendable, Equatable {
    public enum Status: String, Sendable {
        case pending, valid, invalid, expired
    }

    /// UUID, lowercase; the capability for reading the order.
    public var id: String
    /// Normalised FQDN (lowercase A-labels, no trailing dot).
    public var domain: String
    public var challengeType: DVChallengeType
    /// 32 random bytes, base64url (43 characters); unique.
    public var token: String
    /// RFC 7638 thumbprint of the agent's public key (the only form of the key we keep).
    public var thumbprint: String
    /// Set when an API key created the order; finalize then needs a key of the same org.
    public var orgID: String?
    public var clientIP: String?
    public var status: Status
    public var failedAttempts: Int
    public var createdAt: Int64
    public var expiresAt: Int64
    public var finalizedAt: Int64?
    public var grantJTI: String?
    /// Evidence of the last successful check: method, URL or record name, time.
    public var validatedVia: String?
    public var validatedTarget: String?
    public var validatedAt: Int64?

    public init(
        id: String, domain: String, challengeType: DVChallengeType, token: String, thumbprint: String, orgID: String?,
        clientIP: String?, status: Status = .pending, failedAttempts: Int = 0, createdAt: Int64, expiresAt: Int64,
        finalizedAt: Int64? = nil, grantJTI: String? = nil, validatedVia: String? = nil, validatedTarget: String? = nil,
        validatedAt: Int64? = nil
    ) {
        self.id = id
        self.domain = domain
        self.challengeType = challengeType
        self.token = token
        self.thumbprint = thumbprint
        self.orgID = orgID
        self.clientIP = clientIP
        self.status = status
        self.failedAttempts = failedAttempts
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.finalizedAt = finalizedAt
        self.grantJTI = grantJTI
        self.validatedVia = validatedVia
        self.validatedTarget = validatedTarget
        self.validatedAt = validatedAt
    }

    /// `<token>.<thumbprint>`: what the domain must publish (CONTRACT.md §5.9).
    public var expectedContent: String { token + "." + thumbprint }

    /// The status as of `now`: a pending order past its expiry reads as expired.
    public func status(at now: Int64) -> Status {
        status == .pending && now >= expiresAt ? .expired : status
    }
}

/// The challenge kinds an order can use.
public enum DVChallengeType: String, Sendable {
    case http01 = "http-01"
    case dns01 = "dns-01"
}

/// A DV grant the CA signed (CONTRACT.md §5.3), as stored.
public struct DVGrant: Sendable, Equatable {
    /// `grant-<uuid>`.
    public var jti: String
    public var domain: String
    /// `cnf.jkt`.
    public var thumbprint: String
    public var orgID: String?
    public var orderID: String
    /// The compact JWS, returned again by a repeated finalize (useless without the bound key).
    public var token: String
    public var issuedAt: Int64
    public var expiresAt: Int64
    public var revokedAt: Int64?
    /// Its index in the transparency log, given by the store when it records the grant; nil when
    /// the log was off.
    public var logIndex: Int64?

    public init(
        jti: String, domain: String, thumbprint: String, orgID: String?, orderID: String, token: String, issuedAt: Int64,
        expiresAt: Int64, revokedAt: Int64? = nil, logIndex: Int64? = nil
    ) {
        self.jti = jti
        self.domain = domain
        self.thumbprint = thumbprint
        self.orgID = orgID
        self.orderID = orderID
        self.token = token
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.logIndex = logIndex
    }

    /// Valid: neither revoked nor expired at `now`.
    public func isActive(at now: Int64) -> Bool { revokedAt == nil && now < expiresAt }
}
