/// What a badge list is filtered by (all optional).
public struct BadgeFilter: Sendable, Equatable {
    /// Exactly this `sub`.
    public var subject: String?
    /// Issued to this registry agent.
    public var agentID: String?
    public var status: BadgeQuery.Status?
    /// Trust level `"0"`…`"4"`.
    public var level: String?
    /// Inclusive bounds on `issuedAt`.
    public var issuedSince: Int64?
    public var issuedUntil: Int64?

    public init(
        subject: String? = nil, agentID: String? = nil, status: BadgeQuery.Status? = nil, level: String? = nil,
        issuedSince: Int64? = nil, issuedUntil: Int64? = nil
    ) {
        self.subject = subject
        self.agentID = agentID
        self.status = status
        self.level = level
        self.issuedSince = issuedSince
        self.issuedUntil = issuedUntil
    }

    /// Whether `badge` matches every filter, its status judged at `now` (the in-memory store's
    /// filter; the SQL adapter says the same in its WHERE clause).
    public func matches(_ badge: BadgeRecord, at now: Int64) -> Bool {
        if let subject, badge.subject != subject { return false }
        if let agentID, badge.agentID != agentID { return false }
        if let level, badge.level != level { return false }
        if let issuedSince, badge.issuedAt < issuedSince { return false }
        if let issuedUntil, badge.issuedAt > issuedUntil { return false }
        if let status, BadgeQuery.status(of: badge, at: now) != status { return false }
        return true
    }
}

/// A filtered, newest-first page of one organisation's badge ledger (the console's badge list).
public struct BadgeQuery: Sendable, Equatable {
    /// What a badge is at a moment: revoked wins over expired.
    public enum Status: String, Sendable, CaseIterable {
        case active, revoked, expired
    }

    public var orgID: String
    public var filter: BadgeFilter
    /// The time `status` is judged at (`active` and `expired` depend on it).
    public var now: Int64
    /// Continue with badges ordered after this one (newest first: older, or same time and smaller jti).
    public var before: BadgeCursor?
    public var limit: Int?

    public init(orgID: String, filter: BadgeFilter = BadgeFilter(), now: Int64, before: BadgeCursor? = nil, limit: Int? = nil) {
        self.orgID = orgID
        self.filter = filter
        self.now = now
        self.before = before
        self.limit = limit
    }

    /// Whether `badge` is the organisation's and matches the filter (cursor and limit aside).
    public func matches(_ badge: BadgeRecord) -> Bool {
        badge.orgID == orgID && filter.matches(badge, at: now)
    }

    /// A badge's status at `now`.
    public static func status(of badge: BadgeRecord, at now: Int64) -> Status {
        if badge.revokedAt != nil { return .revoked }
        return badge.expiresAt > now ? .active : .expired
    }
}

/// A position in a newest-first badge list: (issued_at, jti).
public struct BadgeCursor: Sendable, Equatable {
    public var issuedAt: Int64
    public var jti: String

    public init(issuedAt: Int64, jti: String) {
        self.issuedAt = issuedAt
        self.jti = jti
    }

    /// Whether `badge` comes after this position in newest-first order.
    public func precedes(_ badge: BadgeRecord) -> Bool {
        badge.issuedAt < issuedAt || (badge.issuedAt == issuedAt && badge.jti < jti)
    }
}
