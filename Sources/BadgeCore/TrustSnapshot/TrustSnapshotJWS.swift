/// A verified snapshot document: a full snapshot or a delta.
public enum TrustSnapshotDocument: Sendable, Hashable {
    /// `kind:"full"`.
    case full(TrustSnapshot)
    /// `kind:"delta"`.
    case delta(TrustSnapshotDelta)

    /// The issuer.
    public var iss: String {
        switch self {
        case .full(let snapshot): snapshot.iss
        case .delta(let delta): delta.iss
        }
    }

    /// The sequence of the state the document describes (after applying, for a delta).
    public var sequence: UInt64 {
        switch self {
        case .full(let snapshot): snapshot.sequence
        case .delta(let delta): delta.sequence
        }
    }

    /// Expiry.
    public var exp: Int64 {
        switch self {
        case .full(let snapshot): snapshot.exp
        case .delta(let delta): delta.exp
        }
    }

    /// The CA keys listed.
    public var keys: [SnapshotKey] {
        switch self {
        case .full(let snapshot): snapshot.keys
        case .delta(let delta): delta.keys
        }
    }
}

/// Signing and verifying snapshot documents as compact JWS.
public enum TrustSnapshotJWS {
    /// Upper bound on an accepted snapshot token. A snapshot lists every revoked, unexpired
    /// badge (≈ 100 bytes each, 4/3 of that in base64url): 64 MiB holds about half a million.
    public static let maxTokenLength = 64 << 20

    /// Signs `payload` with header `{"alg":"EdDSA","kid":<signer kid>,"typ":"insignia-trust-snapshot+jwt"}`.
    public static func sign(_ payload: JSONValue, signer: some JWSSigner) async throws -> String {
        try await JWS.sign(
            header: ["alg": "EdDSA", "kid": .string(signer.kid), "typ": .string(TrustSnapshot.typ)], payload: payload,
            signer: signer)
    }

    /// Verifies `token` against the pinned snapshot keys `keys` and decodes its payload.
    ///
    /// Refuses (`SNAPSHOT_UNTRUSTED`) when `keys` is empty, and (`SNAPSHOT_INVALID`) a token that
    /// is not a compact JWS, whose `alg` is not EdDSA or whose `typ` is not the snapshot `typ`,
    /// whose `kid` is missing or not pinned, whose signature fails, whose signing key is one of
    /// `badgeKeys` or is listed in its own `keys` (a CA badge key must never vouch for the
    /// snapshot: key sets are disjoint), or whose payload is malformed. With `now`, an expired
    /// document is refused (`SNAPSHOT_EXPIRED`).
    public static func verify(
        _ token: String, keys: [IssuerKey], badgeKeys: [PublicJWK] = [], now: Int64? = nil
    ) throws(TrustSnapshotError) -> TrustSnapshotDocument {
        guard !keys.isEmpty else { throw TrustSnapshotError(.untrusted, "no snapshot key is pinned") }
        let jws: CompactJWS
        do {
            jws = try CompactJWS.parse(token, maxLength: maxTokenLength)
        } catch {
            throw .invalid("not a compact JWS: \(error.message)")
        }
        guard jws.header["alg"] == "EdDSA" else { throw .invalid("header alg must be EdDSA") }
        guard jws.header["typ"]?.stringValue == TrustSnapshot.typ else {
            throw .invalid("header typ must be \(TrustSnapshot.typ)")
        }
        guard let kid = jws.header["kid"]?.stringValue else { throw .invalid("header has no kid") }
        let candidates = keys.filter { $0.kid == kid }.map(\.key)
        guard !candidates.isEmpty else { throw .invalid("kid \(kid) is not a pinned snapshot key") }
        guard let key = candidates.first(where: { jws.verify(with: $0) }) else {
            throw .invalid("signature does not verify under snapshot key \(kid)")
        }
        guard !badgeKeys.contains(key) else { throw .invalid("signed by a CA badge key, not a snapshot key") }
        let document: TrustSnapshotDocument
        switch jws.payload["kind"]?.stringValue {
        case "full": document = .full(try TrustSnapshot(json: jws.payload))
        case "delta": document = .delta(try TrustSnapshotDelta(json: jws.payload))
        default: throw .invalid("payload kind must be \"full\" or \"delta\"")
        }
        guard !document.keys.contains(where: { $0.key == key }) else {
            throw .invalid("the snapshot key is listed as a CA badge key")
        }
        if let now, document.exp <= now {
            throw TrustSnapshotError(.expired, "snapshot \(document.sequence) expired at \(document.exp)")
        }
        return document
    }
}
