/// The changes from the full state at `since` to the full state at `sequence`: the answer to
/// `GET /v1/trust/snapshot?since=N` when it is smaller than the full snapshot.
///
/// `keys` is always the full list (it is short). An entry whose content changed (e.g. an agent
/// going from disabled to deleted) is in `added` and replaces the old one.
public struct TrustSnapshotDelta: Sendable, Hashable {
    /// The issuer.
    public var iss: String
    /// The sequence of the full state this delta applies to.
    public var since: UInt64
    /// The sequence of the state it yields.
    public var sequence: UInt64
    /// When this document was signed.
    public var iat: Int64
    /// After this the delta must not be used.
    public var exp: Int64
    /// Seconds after which a verifier should fetch again.
    public var refreshHint: Int64
    /// The resulting state's ``TrustSnapshot/coveredUntil``.
    public var coveredUntil: Int64
    /// The resulting state's full key list.
    public var keys: [SnapshotKey]
    /// Revoked entries new or changed since `since`, sorted by `jti`.
    public var addedRevoked: [RevokedBadge]
    /// Inactive entries new or changed since `since`, sorted by `did`.
    public var addedInactive: [InactiveSubject]
    /// `jti`s no longer listed, sorted.
    public var removedRevoked: [String]
    /// DIDs no longer listed, sorted.
    public var removedInactive: [String]
    /// The resulting snapshot's checkpoint.
    public var checkpoint: String?

    /// Creates a delta; lists are sorted here.
    public init(
        iss: String, since: UInt64, sequence: UInt64, iat: Int64, exp: Int64, refreshHint: Int64, coveredUntil: Int64,
        keys: [SnapshotKey], addedRevoked: [RevokedBadge], addedInactive: [InactiveSubject],
        removedRevoked: [String], removedInactive: [String], checkpoint: String? = nil
    ) {
        self.iss = iss
        self.since = since
        self.sequence = sequence
        self.iat = iat
        self.exp = exp
        self.refreshHint = refreshHint
        self.coveredUntil = coveredUntil
        self.keys = keys.sorted { SnapshotOrder.precedes($0.kid, $1.kid) }
        self.addedRevoked = addedRevoked.sorted { SnapshotOrder.precedes($0.jti, $1.jti) }
        self.addedInactive = addedInactive.sorted { SnapshotOrder.precedes($0.did, $1.did) }
        self.removedRevoked = removedRevoked.sorted(by: SnapshotOrder.precedes)
        self.removedInactive = removedInactive.sorted(by: SnapshotOrder.precedes)
        self.checkpoint = checkpoint
    }

    /// The delta that turns `old` into `new`, carrying `new`'s metadata (what the server sends
    /// for `?since=old.sequence`).
    public static func between(old: TrustSnapshot, new: TrustSnapshot) -> TrustSnapshotDelta {
        let oldRevoked = Dictionary(old.revoked.map { ($0.jti, $0) }, uniquingKeysWith: { first, _ in first })
        let newRevoked = Set(new.revoked.map(\.jti))
        let oldInactive = Dictionary(old.inactive.map { ($0.did, $0) }, uniquingKeysWith: { first, _ in first })
        let newInactive = Set(new.inactive.map(\.did))
        return TrustSnapshotDelta(
            iss: new.iss, since: old.sequence, sequence: new.sequence, iat: new.iat, exp: new.exp,
            refreshHint: new.refreshHint, coveredUntil: new.coveredUntil, keys: new.keys,
            addedRevoked: new.revoked.filter { oldRevoked[$0.jti] != $0 },
            addedInactive: new.inactive.filter { oldInactive[$0.did] != $0 },
            removedRevoked: old.revoked.map(\.jti).filter { !newRevoked.contains($0) },
            removedInactive: old.inactive.map(\.did).filter { !newInactive.contains($0) },
            checkpoint: new.checkpoint)
    }

    /// The full state at ``sequence``: `base` (the verified full state at ``since``) minus the
    /// removals, plus the additions, with this delta's metadata and keys. Refuses a base of
    /// another issuer or sequence: a verifier without the state at `since` must fetch a full
    /// snapshot instead.
    public func apply(to base: TrustSnapshot) throws(TrustSnapshotError) -> TrustSnapshot {
        guard base.iss == iss else { throw .invalid("delta is for issuer \(iss), the held state for \(base.iss)") }
        guard base.sequence == since else {
            throw .invalid("delta applies to sequence \(since), the held state is at \(base.sequence)")
        }
        var revoked = Dictionary(base.revoked.map { ($0.jti, $0) }, uniquingKeysWith: { first, _ in first })
        for jti in removedRevoked { revoked[jti] = nil }
        for entry in addedRevoked { revoked[entry.jti] = entry }
        var inactive = Dictionary(base.inactive.map { ($0.did, $0) }, uniquingKeysWith: { first, _ in first })
        for did in removedInactive { inactive[did] = nil }
        for entry in addedInactive { inactive[entry.did] = entry }
        return TrustSnapshot(
            iss: iss, sequence: sequence, iat: iat, exp: exp, refreshHint: refreshHint, coveredUntil: coveredUntil,
            keys: keys, revoked: Array(revoked.values), inactive: Array(inactive.values), checkpoint: checkpoint)
    }

    /// The signed payload, `kind:"delta"`.
    public var json: JSONValue {
        var members = SnapshotMetadata(
            iss: iss, sequence: sequence, iat: iat, exp: exp, refreshHint: refreshHint, coveredUntil: coveredUntil,
            keys: keys, checkpoint: checkpoint
        ).json
        members["kind"] = "delta"
        members["since"] = .int(SnapshotMetadata.wire(since))
        members["added"] = ["revoked": .array(addedRevoked.map(\.json)), "inactive": .array(addedInactive.map(\.json))]
        members["removed"] = [
            "revoked": .array(removedRevoked.map(JSONValue.string)), "inactive": .array(removedInactive.map(JSONValue.string)),
        ]
        return .object(members)
    }

    /// Reads a `kind:"delta"` payload; `since` must be below `sequence`, and no id may be both
    /// added and removed.
    public init(json: JSONValue) throws(TrustSnapshotError) {
        let fields = try SnapshotFields(json, "delta")
        guard json["kind"] == "delta" else { throw .invalid("delta kind must be \"delta\"") }
        let metadata = try SnapshotMetadata(fields)
        let since = try fields.unsigned("since")
        guard since < metadata.sequence else { throw .invalid("delta since must be below its sequence") }
        let added = try SnapshotFields(json["added"] ?? .null, "delta added")
        let removed = try SnapshotFields(json["removed"] ?? .null, "delta removed")
        func ids(_ name: String) throws(TrustSnapshotError) -> [String] {
            try removed.entries(name, decode: { (value) throws(TrustSnapshotError) -> String in
                guard let id = value.stringValue, !id.isEmpty else { throw .invalid("delta removed.\(name) holds a non-string") }
                return id
            }, id: { $0 })
        }
        let addedRevoked = try added.entries("revoked", decode: RevokedBadge.init(json:), id: \.jti)
        let addedInactive = try added.entries("inactive", decode: InactiveSubject.init(json:), id: \.did)
        let removedRevoked = try ids("revoked"), removedInactive = try ids("inactive")
        guard Set(addedRevoked.map(\.jti)).isDisjoint(with: removedRevoked),
            Set(addedInactive.map(\.did)).isDisjoint(with: removedInactive)
        else { throw .invalid("delta adds and removes the same entry") }
        self.init(
            iss: metadata.iss, since: since, sequence: metadata.sequence, iat: metadata.iat, exp: metadata.exp,
            refreshHint: metadata.refreshHint, coveredUntil: metadata.coveredUntil, keys: metadata.keys,
            addedRevoked: addedRevoked, addedInactive: addedInactive, removedRevoked: removedRevoked,
            removedInactive: removedInactive, checkpoint: metadata.checkpoint)
    }

    /// Signs the payload as a compact JWS with `typ` ``TrustSnapshot/typ``.
    public func signed(by signer: some JWSSigner) async throws -> String {
        try await TrustSnapshotJWS.sign(json, signer: signer)
    }
}
