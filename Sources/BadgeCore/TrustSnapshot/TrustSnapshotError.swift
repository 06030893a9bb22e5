/// Wire codes for refusing a trust snapshot (issue #14; `SNAPSHOT_INVALID` is ours, the issue
/// names no code for a bad signature, wrong `typ` or wrong key).
public enum SnapshotErrorCode: String, Sendable, Hashable, CaseIterable {
    /// Nothing is pinned to verify the snapshot with.
    case untrusted = "SNAPSHOT_UNTRUSTED"
    /// The snapshot's `exp` has passed.
    case expired = "SNAPSHOT_EXPIRED"
    /// The snapshot's `sequence` is lower than the highest one seen before.
    case rollback = "SNAPSHOT_ROLLBACK"
    /// Same issuer and `sequence` as one seen before, but another state.
    case equivocation = "SNAPSHOT_EQUIVOCATION"
    /// Malformed, wrong `typ`/`alg`, unknown `kid`, a badge key, or a signature that fails.
    case invalid = "SNAPSHOT_INVALID"
}

/// Why a trust snapshot (or a delta) was refused.
public struct TrustSnapshotError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable machine code.
    public let code: SnapshotErrorCode
    /// Human-readable detail; wording may change.
    public let message: String

    /// Creates an error.
    public init(_ code: SnapshotErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `"<CODE>: <message>"`.
    public var description: String { "\(code.rawValue): \(message)" }

    static func invalid(_ message: String) -> TrustSnapshotError { TrustSnapshotError(.invalid, message) }
}
