import BadgeCore
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

/// An append-only record of a security-relevant action. Never holds secrets.
public struct AuditEvent: Sendable, Equatable {
    public var id: String
    public var orgID: String?
    /// e.g. `org.verified`, `ca.key.rotated`, `badge.revoked`.
    public var type: String
    /// Who did it: `apikey:<id>`, `operator:<name>`, `system`.
    public var actor: String
    /// What it was done to (agent id, jti, kid …).
    public var subject: String?
    /// The agent concerned, when there is one (for filtering).
    public var agentID: String?
    /// Small JSON object of details.
    public var details: String?
    public var createdAt: Int64

    public init(
        id: String, orgID: String?, type: String, actor: String, subject: String?, agentID: String? = nil, details: String?,
        createdAt: Int64
    ) {
        self.id = id
        self.orgID = orgID
        self.type = type
        self.actor = actor
        self.subject = subject
        self.agentID = agentID
        self.details = details
        self.createdAt = createdAt
    }
}

/// A filtered, paged read of the audit log.
public struct EventQuery: Sendable, Equatable {
    /// nil: every organisation (operators only).
    public var orgID: String?
    public var type: String?
    public var since: Int64?
    public var agentID: String?
    /// Continue after this (created_at, id).
    public var after: PageCursor?
    public var limit: Int?

    public init(orgID: String?, type: String? = nil, since: Int64? = nil, agentID: String? = nil, after: PageCursor? = nil, limit: Int? = nil) {
        self.orgID = orgID
        self.type = type
        self.since = since
        self.agentID = agentID
        self.after = after
        self.limit = limit
    }
}

extension AuditEvent {
    /// A new event with a fresh id; `details` become a compact JSON object.
    public static func make(
        _ type: String, orgID: String?, actor: String, subject: String? = nil, agentID: String? = nil,
        details: [String: JSONValue] = [:], at time: Int64
    ) -> AuditEvent {
        AuditEvent(
            id: orderedID(), orgID: orgID, type: type, actor: actor, subject: subject, agentID: agentID,
            details: details.isEmpty ? nil : String(decoding: JSONValue.object(details).serialized(), as: UTF8.self), createdAt: time
        )
    }

    /// Wall-clock milliseconds then randomness: events of the same second list in the order they
    /// happened (the log is ordered by `created_at`, then `id`).
    static func orderedID() -> String {
        let millis = UInt64(Date().timeIntervalSince1970 * 1000)
        return Base16.encode(millis, width: 13) + "-" + UUID().uuidString.lowercased().prefix(18)
    }
}
