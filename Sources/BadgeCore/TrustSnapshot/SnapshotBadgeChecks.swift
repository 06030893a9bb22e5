/// Badge keys from a verified snapshot's `keys` (RFC-002 §8.1 step 4 without the network).
///
/// Trusts exactly the snapshot's issuer; returns only keys usable at `now` (active, or retiring
/// before `until`), and never a key in `excluded` (the snapshot keys: a badge signed by the
/// snapshot key must not verify, whatever the snapshot lists).
public struct SnapshotKeyResolver: BadgeKeyResolver {
    /// The verified snapshot.
    public let snapshot: TrustSnapshot
    /// Verification time.
    public let now: Int64
    /// Keys that must never verify a badge.
    public let excluded: Set<PublicJWK>

    /// Resolves from `snapshot` at `now`, never returning a key in `excluded`.
    public init(snapshot: TrustSnapshot, now: Int64, excluded: Set<PublicJWK>) {
        self.snapshot = snapshot
        self.now = now
        self.excluded = excluded
    }

    /// The usable keys of `issuer` (empty for any other issuer), filtered by `kid` when given.
    public func keys(issuer: String, kid: String?) -> [PublicJWK] {
        guard issuer == snapshot.iss else { return [] }
        return snapshot.keys
            .filter { entry in (kid == nil || entry.kid == kid) && entry.usable(at: now) && !excluded.contains(entry.key) }
            .sorted { $0.state == .active && $1.state != .active }
            .map(\.key)
    }
}

/// Revocation and subject status from a verified snapshot's `revoked` and `inactive` lists
/// (RFC-002 §8.1 steps 8–9). Whether the snapshot is recent enough to answer is decided by
/// ``SnapshotBadgeVerifier`` (the "unknown" rule), which knows the badge's level.
public struct SnapshotStatusChecker: BadgeStatusChecking {
    /// The verified snapshot.
    public let snapshot: TrustSnapshot

    /// Answers from `snapshot`.
    public init(snapshot: TrustSnapshot) {
        self.snapshot = snapshot
    }

    /// Whether `jti` is listed as revoked.
    public func isRevoked(jti: String) -> Bool {
        snapshot.revocation(of: jti) != nil
    }

    /// Whether `sub` is not listed as disabled or deleted.
    public func isAgentActive(sub: String) -> Bool {
        snapshot.inactivity(of: sub) == nil
    }
}
