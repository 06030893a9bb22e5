/// What an offline verifier remembers between runs about an issuer's snapshots: the highest
/// `sequence` seen with its state digest (for rollback and equivocation), and the last verified
/// full state (to verify badges and to apply the next delta).
public struct SnapshotTrustState: Sendable, Hashable {
    /// The highest sequence accepted so far.
    public var sequence: UInt64
    /// ``TrustSnapshot/stateDigestHex`` of the state at ``sequence``.
    public var stateDigest: String
    /// The last verified full state (its `sequence` is ``sequence``).
    public var snapshot: TrustSnapshot

    /// The state after accepting `snapshot`.
    public init(snapshot: TrustSnapshot) {
        sequence = snapshot.sequence
        stateDigest = snapshot.stateDigestHex
        self.snapshot = snapshot
    }

    /// `{"sequence","state_digest","snapshot":<full payload>}`.
    public var json: JSONValue {
        ["sequence": .int(SnapshotMetadata.wire(sequence)), "state_digest": .string(stateDigest), "snapshot": snapshot.json]
    }

    /// Reads a saved state; the digest must match the saved snapshot (a hand-edited or
    /// half-written state file is refused rather than trusted).
    public init(json: JSONValue) throws(TrustSnapshotError) {
        let fields = try SnapshotFields(json, "verifier state")
        let snapshot = try TrustSnapshot(json: json["snapshot"] ?? .null)
        self.init(snapshot: snapshot)
        guard try fields.unsigned("sequence") == sequence, try fields.string("state_digest") == stateDigest else {
            throw .invalid("verifier state: sequence or state digest does not match the saved snapshot")
        }
    }
}

/// Accepts snapshot documents for one pinned issuer: signature, issuer, expiry, rollback,
/// equivocation, and delta application (issue #14).
public struct SnapshotAcceptor: Sendable {
    /// The pinned keys.
    public var anchor: TrustAnchor

    /// Accepts for `anchor`.
    public init(anchor: TrustAnchor) {
        self.anchor = anchor
    }

    /// The state after accepting `token` (a full snapshot or a delta) on top of `held`.
    ///
    /// Refuses: nothing pinned (`SNAPSHOT_UNTRUSTED`); a bad signature, wrong `typ`, unknown
    /// `kid`, a badge key as signer, another issuer, or a delta that does not apply to the held
    /// state (`SNAPSHOT_INVALID`); `exp` passed (`SNAPSHOT_EXPIRED`); a `sequence` below the
    /// highest seen (`SNAPSHOT_ROLLBACK`); the same `sequence` with another state
    /// (`SNAPSHOT_EQUIVOCATION`). Revoked entries whose badges expired by the time the later of
    /// the two documents was signed are left out of that comparison: the issuer drops them on a
    /// rebuild without a new sequence, and a revocation of an expired badge decides nothing.
    public func accept(_ token: String, held: SnapshotTrustState?, now: Int64) throws(TrustSnapshotError)
        -> SnapshotTrustState
    {
        let document = try TrustSnapshotJWS.verify(
            token, keys: anchor.snapshotKeys, badgeKeys: anchor.badgeKeys.map(\.key), now: now)
        guard document.iss == anchor.issuer else {
            throw .invalid("snapshot is for issuer \(document.iss), not the pinned \(anchor.issuer)")
        }
        if let held, document.sequence < held.sequence {
            throw TrustSnapshotError(.rollback, "snapshot sequence \(document.sequence) is below \(held.sequence), seen before")
        }
        let full: TrustSnapshot
        switch document {
        case .full(let snapshot): full = snapshot
        case .delta(let delta):
            guard let held else { throw .invalid("a delta needs a held full state; fetch a full snapshot") }
            full = try delta.apply(to: held.snapshot)
        }
        guard let held, held.sequence == full.sequence else { return SnapshotTrustState(snapshot: full) }
        if held.stateDigest != full.stateDigestHex {
            let cutoff = max(held.snapshot.iat, full.iat)
            guard held.snapshot.droppingRevoked(expiredBy: cutoff).stateDigest
                == full.droppingRevoked(expiredBy: cutoff).stateDigest
            else {
                throw TrustSnapshotError(.equivocation, "two different states are signed as sequence \(full.sequence)")
            }
        }
        // Re-signed state: keep whichever was signed later (its age decides staleness).
        return full.iat >= held.snapshot.iat ? SnapshotTrustState(snapshot: full) : held
    }
}
