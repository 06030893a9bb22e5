/// Why an offline verification failed: the snapshot was refused, or the badge was.
public enum OfflineVerificationFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// The snapshot is untrusted, expired, rolled back, equivocating or invalid.
    case snapshot(TrustSnapshotError)
    /// The badge failed RFC-002 §8.1 against the snapshot, or its status is unknown at level 2–4.
    case badge(BadgeVerificationError)

    /// The wire code (`SNAPSHOT_…` or `BADGE_…`/`REVOCATION_CHECK_FAILED`).
    public var code: String {
        switch self {
        case .snapshot(let error): error.code.rawValue
        case .badge(let error): error.code.rawValue
        }
    }

    /// Human-readable detail.
    public var message: String {
        switch self {
        case .snapshot(let error): error.message
        case .badge(let error): error.message
        }
    }

    /// `"<CODE>: <message>"`.
    public var description: String { "\(code): \(message)" }
}

/// An accepted badge and what the verifier could not vouch for.
public struct OfflineVerification: Sendable, Hashable {
    /// The verified claims.
    public let claims: BadgeClaims
    /// Non-fatal findings, e.g. revocation status unknown at level 0–1.
    public let warnings: [String]
}

/// RFC-002 §8.1 against a verified trust snapshot instead of the registry (issue #14).
///
/// Runs ``BadgeVerifier`` with ``SnapshotKeyResolver`` and ``SnapshotStatusChecker``, then the
/// "unknown" rule: when the badge was issued after the snapshot's `covered_until`, or the
/// snapshot is older than ``maxStaleness`` though unexpired (RFC-002 §7.5), a revocation could
/// be missing: levels 2–4 fail with `REVOCATION_CHECK_FAILED`, levels 0–1 pass with a warning.
/// A listed revocation or inactive subject is final whatever the snapshot's age. Pure and
/// synchronous in effect, so a server can share it for its own validation.
public struct SnapshotBadgeVerifier: Sendable {
    /// The verified full state.
    public var snapshot: TrustSnapshot
    /// Snapshot keys: never accepted as badge keys.
    public var snapshotKeys: Set<PublicJWK>
    /// Seconds after the snapshot's `iat` beyond which its answer is "unknown" (default 300).
    public var maxStaleness: Int64
    /// Tolerance for badge times (RFC-002 §8.1 step 6).
    public var clockSkew: Int64
    /// DID resolution for IAL-1 badges; offline, `did:key` only.
    public var didResolver: any DIDResolving

    /// Configures a verifier over `snapshot`.
    public init(
        snapshot: TrustSnapshot, snapshotKeys: Set<PublicJWK>, maxStaleness: Int64 = 300, clockSkew: Int64 = 60,
        didResolver: any DIDResolving = DIDKeyResolver()
    ) {
        self.snapshot = snapshot
        self.snapshotKeys = snapshotKeys
        self.maxStaleness = maxStaleness
        self.clockSkew = clockSkew
        self.didResolver = didResolver
    }

    /// Verifies `token` at `now` for `audience`.
    public func verify(_ token: String, now: Int64, audience: String?) async throws(OfflineVerificationFailure)
        -> OfflineVerification
    {
        guard snapshot.exp > now else {
            throw .snapshot(TrustSnapshotError(.expired, "snapshot \(snapshot.sequence) expired at \(snapshot.exp)"))
        }
        let badges = BadgeVerifier(
            keyResolver: SnapshotKeyResolver(snapshot: snapshot, now: now, excluded: snapshotKeys), clockSkew: clockSkew,
            didResolver: didResolver, statusChecker: SnapshotStatusChecker(snapshot: snapshot))
        let claims: BadgeClaims
        do {
            claims = try await badges.verify(token, now: now, audience: audience)
        } catch {
            throw .badge(error)
        }
        guard let unknown = unknownReason(claims, now: now) else { return OfflineVerification(claims: claims, warnings: []) }
        guard claims.level < .domainValidated else {
            throw .badge(BadgeVerificationError(.revocationCheckFailed, unknown, signatureVerified: true))
        }
        return OfflineVerification(claims: claims, warnings: [unknown])
    }

    /// Why the snapshot cannot say the badge is unrevoked, or nil when it can.
    func unknownReason(_ claims: BadgeClaims, now: Int64) -> String? {
        if claims.iat > snapshot.coveredUntil {
            return "revocation status unknown: badge issued at \(claims.iat), after the snapshot covers (\(snapshot.coveredUntil))"
        }
        let age = now - snapshot.iat
        if age > maxStaleness {
            return "revocation status unknown: snapshot \(snapshot.sequence) is \(age) s old (max staleness \(maxStaleness) s)"
        }
        return nil
    }
}
