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

    /// The record of a log entry read back from its bytes (`data`): its `jti`, `sub` and `type`
    /// members. Nil when `data` is not a JSON object with those three as strings.
    public init?(entryData data: String) {
        guard let entry = try? JSONValue.parse(data.utf8), let jti = entry["jti"]?.stringValue,
              let subject = entry["sub"]?.stringValue, let type = entry["type"]?.stringValue else { return nil }
        self.init(jti: jti, subject: subject, type: type, data: data)
    }
}

extension SequencedLogEntry {
    /// The entries of `entries` whose bytes are a log entry's JSON, each with the record they name
    /// (what integration records for lookups by subject).
    public static func named(by entries: [SequencedLogData]) -> [SequencedLogEntry] {
        entries.compactMap { entry in LogEntryRecord(entryData: entry.data).map { SequencedLogEntry(index: entry.index, record: $0) } }
    }
}
