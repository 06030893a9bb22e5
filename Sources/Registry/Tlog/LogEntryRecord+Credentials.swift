import BadgeCore

extension LogEntryRecord {
    /// The log entry of a badge the CA signed as `token`.
    public init(badge: BadgeRecord, iss: String, token: String) {
        let entry = LogEntry(
            kind: .badge, jti: badge.jti, iss: iss, sub: badge.subject, kid: badge.kid, level: badge.level, ial: badge.ial,
            iat: badge.issuedAt, exp: badge.expiresAt, token: token
        )
        self.init(jti: badge.jti, subject: badge.subject, type: entry.kind.rawValue, data: String(decoding: entry.bytes, as: UTF8.self))
    }

    /// The log entry of a DV grant (its subject is the domain; grants have no level or IAL).
    public init(grant: DVGrant, iss: String, kid: String) {
        let entry = LogEntry(
            kind: .dvGrant, jti: grant.jti, iss: iss, sub: grant.domain, kid: kid, level: nil, ial: nil,
            iat: grant.issuedAt, exp: grant.expiresAt, token: grant.token
        )
        self.init(jti: grant.jti, subject: grant.domain, type: entry.kind.rawValue, data: String(decoding: entry.bytes, as: UTF8.self))
    }
}
