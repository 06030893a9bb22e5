import BadgeCore
import Foundation

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
    /// Inclusive upper bound on `createdAt`.
    public var until: Int64?
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

    public init(orgID: String?, type: String? = nil, since: Int64? = nil, until: Int64?, agentID: String? = nil, after: PageCursor? = nil, limit: Int? = nil) {
        self.init(orgID: orgID, type: type, since: since, agentID: agentID, after: after, limit: limit)
        self.until = until
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
