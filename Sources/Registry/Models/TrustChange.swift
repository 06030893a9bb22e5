/// One change of trust state (issue #14), journaled under the trust-state sequence: a badge
/// revoked, an agent or server whose usability changed (disabled, enabled, deleted), or a CA key
/// whose state changed (activated, retired).
public struct TrustChange: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// `ref` is the badge's jti; `status` is `revoked`.
        case revocation
        /// `ref` is the agent's (or server's) id; `status` an `AgentStatus` or `deleted`.
        case agent
        /// `ref` is the kid; `status` a `CAKeyRecord.State`.
        case caKey = "ca_key"
    }

    public var kind: Kind
    public var ref: String
    /// What it became.
    public var status: String
    /// When (Unix seconds, the changing process's clock).
    public var at: Int64

    public init(kind: Kind, ref: String, status: String, at: Int64) {
        self.kind = kind
        self.ref = ref
        self.status = status
        self.at = at
    }

    /// `status` of a deleted agent or server.
    public static let deleted = "deleted"

    public static func revocation(jti: String, at: Int64) -> TrustChange {
        TrustChange(kind: .revocation, ref: jti, status: "revoked", at: at)
    }

    /// `agent`'s new status, at its `updatedAt`.
    public static func agent(_ agent: Agent) -> TrustChange {
        TrustChange(kind: .agent, ref: agent.id, status: agent.status.rawValue, at: agent.updatedAt)
    }

    public static func agentDeleted(id: String, at: Int64) -> TrustChange {
        TrustChange(kind: .agent, ref: id, status: deleted, at: at)
    }

    public static func caKey(kid: String, state: CAKeyRecord.State, at: Int64) -> TrustChange {
        TrustChange(kind: .caKey, ref: kid, status: state.rawValue, at: at)
    }

    /// `changes` with one entry per (kind, ref), the last one given: the journal keeps one change
    /// of a thing per sequence.
    public static func lastPerKey(_ changes: [TrustChange]) -> [TrustChange] {
        var seen = Set<String>()
        return changes.reversed().filter { seen.insert("\($0.kind.rawValue) \($0.ref)").inserted }.reversed()
    }
}

/// A trust-state sequence number with its cutoff: the snapshot of that sequence lists the badges
/// that expire after `cutoff` (the latest time any change up to it was made), so every replica
/// builds equal state for equal sequence, whenever it builds it.
public struct TrustSequence: Sendable, Equatable {
    /// 0 before the first change.
    public var sequence: Int64
    public var cutoff: Int64

    public init(sequence: Int64, cutoff: Int64) {
        self.sequence = sequence
        self.cutoff = cutoff
    }
}

/// A journaled change with the sequence it was recorded under.
public struct TrustJournalEntry: Sendable, Equatable {
    public var sequence: TrustSequence
    public var change: TrustChange

    public init(sequence: TrustSequence, change: TrustChange) {
        self.sequence = sequence
        self.change = change
    }
}
