// Trust snapshots (issue #14) as a verifier receives them: TrustSnapshotJWS.verify on the input as
// a compact JWS, and TrustSnapshot(json:), TrustSnapshotDelta(json:), TrustAnchor(json:) and
// SnapshotTrustState(json:) on the input (or the JWS payload) as JSON.
// Sources: Sources/BadgeCore/*.swift Sources/BadgeCore/TrustSnapshot/*.swift
// Needs: Crypto
//
// Properties:
// - a fuzzed token never verifies under a fixed snapshot key (refused, never accepted);
// - an accepted snapshot, delta, anchor or state re-reads from its own json to an equal value,
//   and its serialisation is then byte-stable (one encoding per state, as replicas need);
// - a snapshot's lists are sorted by id with no duplicates, and its state digest survives the
//   round trip;
// - between(old:new:) then apply(to:) rebuilds the snapshot exactly from a base holding half of
//   its entries (and any other listed jtis/DIDs), and a delta applies to a base at its `since`
//   or refuses, never traps.

private let snapshotKey = try! PublicJWK(rawKey: [UInt8](repeating: 0x42, count: 32))
private let pinned = [IssuerKey(kid: "snap", key: snapshotKey)]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSnapshot(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = inputBuffer(data, size)
    let text = String(decoding: bytes, as: UTF8.self)
    do {
        _ = try TrustSnapshotJWS.verify(text, keys: pinned, now: 0)
        require(false, "a fuzzed token verified")
    } catch {}
    if let jws = try? CompactJWS.parse(text, maxLength: TrustSnapshotJWS.maxTokenLength) { check(jws.payload) }
    if let json = try? JSONValue.parse(bytes) { check(json) }
    return 0
}

private func check(_ json: JSONValue) {
    if let snapshot = try? TrustSnapshot(json: json) { checkSnapshot(snapshot) }
    if let delta = try? TrustSnapshotDelta(json: json) {
        roundTrips(delta, \.json, TrustSnapshotDelta.init(json:))
        let base = TrustSnapshot(
            iss: delta.iss, sequence: delta.since, iat: delta.iat, exp: delta.exp, coveredUntil: delta.coveredUntil,
            keys: [], revoked: delta.removedRevoked.map { RevokedBadge(jti: $0, exp: 1, revokedAt: 0) },
            inactive: delta.removedInactive.map { InactiveSubject(did: $0, status: .disabled, since: 0) })
        let applied = try? delta.apply(to: base)
        require(applied != nil, "a delta refused its own base")
        require(applied!.revoked.count == delta.addedRevoked.count, "removed entries survived or added ones were lost")
        require(applied!.inactive.count == delta.addedInactive.count, "removed subjects survived or added ones were lost")
    }
    if let anchor = try? TrustAnchor(json: json) { roundTrips(anchor, \.json, TrustAnchor.init(json:)) }
    if let state = try? SnapshotTrustState(json: json) { roundTrips(state, \.json, SnapshotTrustState.init(json:)) }
}

private func checkSnapshot(_ snapshot: TrustSnapshot) {
    let reread = roundTrips(snapshot, \.json, TrustSnapshot.init(json:))
    require(reread?.stateDigest == snapshot.stateDigest, "state digest changed through JSON")
    require(sortedUnique(snapshot.keys.map(\.kid)), "keys not sorted or duplicated")
    require(sortedUnique(snapshot.revoked.map(\.jti)), "revoked not sorted or duplicated")
    require(sortedUnique(snapshot.inactive.map(\.did)), "inactive not sorted or duplicated")
    let base = TrustSnapshot(
        iss: snapshot.iss, sequence: snapshot.sequence, iat: snapshot.iat, exp: snapshot.exp, coveredUntil: 0, keys: [],
        revoked: snapshot.revoked.enumerated().filter { $0.offset % 2 == 0 }.map {
            RevokedBadge(jti: $0.element.jti, exp: $0.element.exp &+ 1, revokedAt: 0)
        } + [RevokedBadge(jti: "fuzz-only-in-base", exp: 1, revokedAt: 1)],
        inactive: snapshot.inactive.enumerated().filter { $0.offset % 2 == 1 }.map(\.element))
    let delta = TrustSnapshotDelta.between(old: base, new: snapshot)
    let rebuilt = try? delta.apply(to: base)
    require(rebuilt == snapshot, "between then apply did not rebuild the snapshot")
}

/// Decodes `value`'s own JSON text; it must give `value` back and the same bytes again.
@discardableResult
private func roundTrips<Value: Equatable>(
    _ value: Value, _ encode: (Value) -> JSONValue, _ decode: (JSONValue) throws(TrustSnapshotError) -> Value
) -> Value? {
    let bytes = encode(value).serialized()
    guard let parsed = try? JSONValue.parse(bytes), let again = try? decode(parsed) else {
        require(false, "its own json is refused")
        return nil
    }
    require(again == value, "json round trip changed the value")
    require(encode(again).serialized() == bytes, "serialisation is not byte-stable")
    return again
}

private func sortedUnique(_ ids: [String]) -> Bool {
    zip(ids, ids.dropFirst()).allSatisfy { $0.utf8.lexicographicallyPrecedes($1.utf8) }
}
