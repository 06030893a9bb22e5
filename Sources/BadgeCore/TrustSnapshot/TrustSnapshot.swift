import Crypto

/// A full trust snapshot (issue #14): the issuer's signed, numbered, time-bounded answer to
/// "which CA keys are valid, which badges are revoked, which subjects are inactive".
///
/// The lists are kept sorted by id (byte order) so that equal state serialises to equal bytes
/// on every replica. Payload layout: docs in `snapshot-format.md` and the README.
public struct TrustSnapshot: Sendable, Hashable {
    /// The `typ` header of a snapshot or delta JWS; badges carry `JWT`, so neither can pass as the other.
    public static let typ = "insignia-trust-snapshot+jwt"

    /// The issuer (`CA_ISSUER_URL`), equal to the `iss` of the badges it covers.
    public var iss: String
    /// Rises with every change of trust state; the same on every replica for the same state.
    public var sequence: UInt64
    /// When this document was signed.
    public var iat: Int64
    /// After this the snapshot must not be used.
    public var exp: Int64
    /// Seconds after which a verifier should fetch again.
    public var refreshHint: Int64
    /// Unix time up to which the state is complete: badges issued later may be revoked unknown to it.
    public var coveredUntil: Int64
    /// Every CA key a valid badge may carry, sorted by `kid`.
    public private(set) var keys: [SnapshotKey]
    /// Every revoked, unexpired badge, sorted by `jti`.
    public private(set) var revoked: [RevokedBadge]
    /// Every inactive subject with unexpired badges, sorted by `did`.
    public private(set) var inactive: [InactiveSubject]
    /// The transparency log's latest signed checkpoint note, when the log is on.
    public var checkpoint: String?

    /// Creates a snapshot; the lists are sorted here (callers may pass them in any order).
    public init(
        iss: String, sequence: UInt64, iat: Int64, exp: Int64, refreshHint: Int64 = 60, coveredUntil: Int64,
        keys: [SnapshotKey], revoked: [RevokedBadge], inactive: [InactiveSubject], checkpoint: String? = nil
    ) {
        self.iss = iss
        self.sequence = sequence
        self.iat = iat
        self.exp = exp
        self.refreshHint = refreshHint
        self.coveredUntil = coveredUntil
        self.keys = keys.sorted { SnapshotOrder.precedes($0.kid, $1.kid) }
        self.revoked = revoked.sorted { SnapshotOrder.precedes($0.jti, $1.jti) }
        self.inactive = inactive.sorted { SnapshotOrder.precedes($0.did, $1.did) }
        self.checkpoint = checkpoint
    }

    /// The signed payload, `kind:"full"`.
    public var json: JSONValue {
        var members = metadataJSON
        members["kind"] = "full"
        members["revoked"] = .array(revoked.map(\.json))
        members["inactive"] = .array(inactive.map(\.json))
        return .object(members)
    }

    /// Reads a `kind:"full"` payload. Unknown members are ignored (later versions may add some);
    /// duplicate ids, wrong types, a negative `sequence` or `exp` before `iat` are refused.
    public init(json: JSONValue) throws(TrustSnapshotError) {
        let fields = try SnapshotFields(json, "snapshot")
        guard json["kind"] == "full" else { throw .invalid("snapshot kind must be \"full\"") }
        let metadata = try SnapshotMetadata(fields)
        self.init(
            iss: metadata.iss, sequence: metadata.sequence, iat: metadata.iat, exp: metadata.exp,
            refreshHint: metadata.refreshHint, coveredUntil: metadata.coveredUntil, keys: metadata.keys,
            revoked: try fields.entries("revoked", decode: RevokedBadge.init(json:), id: \.jti),
            inactive: try fields.entries("inactive", decode: InactiveSubject.init(json:), id: \.did),
            checkpoint: metadata.checkpoint)
    }

    /// The members whose equality defines "the same state": `{"iss","sequence","keys","revoked","inactive"}`.
    public var stateJSON: JSONValue {
        [
            "iss": .string(iss), "sequence": .int(SnapshotMetadata.wire(sequence)), "keys": .array(keys.map(\.json)),
            "revoked": .array(revoked.map(\.json)), "inactive": .array(inactive.map(\.json)),
        ]
    }

    /// SHA-256 over the canonical JSON of ``stateJSON``: two snapshots with the same `iss` and
    /// `sequence` but different digests are equivocation. `iat`, `exp`, `covered_until` and
    /// `checkpoint` are outside it, so re-signing the same state keeps the digest.
    public var stateDigest: [UInt8] {
        Array(SHA256.hash(data: stateJSON.canonicalJSON()))
    }

    /// ``stateDigest`` in lowercase hex, as kept in a verifier's state directory.
    public var stateDigestHex: String { Base16.encode(stateDigest) }

    /// The same state without revoked entries whose badge expired at or before `time`: such
    /// entries may drop out of a later rebuild at the same `sequence` (the issuer lists
    /// unexpired badges only), so verifiers compare states pruned this way.
    public func droppingRevoked(expiredBy time: Int64) -> TrustSnapshot {
        var copy = self
        copy.revoked.removeAll { $0.exp <= time }
        return copy
    }

    /// Signs the payload as a compact JWS with `typ` ``typ`` and the signer's `kid`.
    public func signed(by signer: some JWSSigner) async throws -> String {
        try await TrustSnapshotJWS.sign(json, signer: signer)
    }

    /// The revoked entry for `jti`, if any (binary search over the sorted list).
    public func revocation(of jti: String) -> RevokedBadge? {
        SnapshotOrder.find(jti, in: revoked, id: \.jti)
    }

    /// The inactive entry for `did`, if any.
    public func inactivity(of did: String) -> InactiveSubject? {
        SnapshotOrder.find(did, in: inactive, id: \.did)
    }

    /// `iss`, `sequence`, times, `keys` and `checkpoint`: the members a full snapshot and a delta share.
    var metadataJSON: [String: JSONValue] {
        SnapshotMetadata(
            iss: iss, sequence: sequence, iat: iat, exp: exp, refreshHint: refreshHint, coveredUntil: coveredUntil,
            keys: keys, checkpoint: checkpoint
        ).json
    }
}

/// The members a full snapshot and a delta share.
struct SnapshotMetadata {
    var iss: String
    var sequence: UInt64
    var iat: Int64
    var exp: Int64
    var refreshHint: Int64
    var coveredUntil: Int64
    var keys: [SnapshotKey]
    var checkpoint: String?

    init(
        iss: String, sequence: UInt64, iat: Int64, exp: Int64, refreshHint: Int64, coveredUntil: Int64,
        keys: [SnapshotKey], checkpoint: String?
    ) {
        self.iss = iss
        self.sequence = sequence
        self.iat = iat
        self.exp = exp
        self.refreshHint = refreshHint
        self.coveredUntil = coveredUntil
        self.keys = keys
        self.checkpoint = checkpoint
    }

    init(_ fields: SnapshotFields) throws(TrustSnapshotError) {
        iss = try fields.string("iss")
        sequence = try fields.unsigned("sequence")
        iat = try fields.int("iat")
        exp = try fields.int("exp")
        guard exp > iat else { throw .invalid("\(fields.context): exp must be after iat") }
        refreshHint = try fields.int("refresh_hint")
        guard refreshHint >= 0 else { throw .invalid("\(fields.context): refresh_hint must not be negative") }
        coveredUntil = try fields.int("covered_until")
        keys = try fields.entries("keys", decode: SnapshotKey.init(json:), id: \.kid)
        checkpoint = try fields.optionalString("checkpoint")
    }

    var json: [String: JSONValue] {
        var members: [String: JSONValue] = [
            "iss": .string(iss), "sequence": .int(Self.wire(sequence)), "iat": .int(iat), "exp": .int(exp),
            "refresh_hint": .int(refreshHint), "covered_until": .int(coveredUntil), "keys": .array(keys.map(\.json)),
        ]
        if let checkpoint { members["checkpoint"] = .string(checkpoint) }
        return members
    }

    /// A sequence as a JSON integer. Our JSON integers are Int64; a sequence past 2^63 − 1 would
    /// need 9.2 × 10^18 state changes, so reaching it is a bug, not a case to encode.
    static func wire(_ sequence: UInt64) -> Int64 {
        guard let value = Int64(exactly: sequence) else { preconditionFailure("snapshot sequence beyond Int64") }
        return value
    }
}

/// The one ordering of snapshot lists: UTF-8 byte order of the id, which every replica and
/// language computes alike (Swift's `String <` follows Unicode canonical equivalence instead).
enum SnapshotOrder {
    static func precedes(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    static func find<Entry>(_ id: String, in sorted: [Entry], id key: (Entry) -> String) -> Entry? {
        var low = 0, high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            let candidate = key(sorted[middle])
            if candidate.utf8.elementsEqual(id.utf8) { return sorted[middle] }
            if precedes(candidate, id) { low = middle + 1 } else { high = middle }
        }
        return nil
    }
}
