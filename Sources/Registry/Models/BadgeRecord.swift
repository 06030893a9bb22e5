import Foundation

/// One issued badge in the ledger: the source for status, revocation, audit and the rule that
/// keeps a retired CA key published until its last badge has expired.
public struct BadgeRecord: Sendable, Equatable {
    public var jti: String
    public var orgID: String
    /// The registry agent it was issued to (nil for badges not tied to a registry agent).
    public var agentID: String?
    /// The badge `sub` (a DID).
    public var subject: String
    /// Trust level `"1"`…`"4"`.
    public var level: String
    /// Identity assurance level `"0"` or `"1"`.
    public var ial: String
    /// CA key that signed it.
    public var kid: String
    public var issuedAt: Int64
    public var expiresAt: Int64
    public var audience: [String]
    public var revokedAt: Int64?
    public var revocationReason: String?

    public init(
        jti: String, orgID: String, agentID: String?, subject: String, level: String, ial: String, kid: String,
        issuedAt: Int64, expiresAt: Int64, audience: [String] = [], revokedAt: Int64? = nil, revocationReason: String? = nil
    ) {
        self.jti = jti
        self.orgID = orgID
        self.agentID = agentID
        self.subject = subject
        self.level = level
        self.ial = ial
        self.kid = kid
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.audience = audience
        self.revokedAt = revokedAt
        self.revocationReason = revocationReason
    }
}

/// A position in the revocation feed, ordered by (revoked_at, jti).
public struct RevocationCursor: Sendable, Equatable {
    public var revokedAt: Int64
    public var jti: String

    public init(revokedAt: Int64, jti: String) {
        self.revokedAt = revokedAt
        self.jti = jti
    }
}
