import Testing
@testable import BadgeCore

/// Accepting snapshots over time: pinning, rollback, equivocation, deltas, saved state.
@Suite struct SnapshotAcceptorTests {
    static let anchor = TrustAnchor(
        issuer: Fixture.issuer, badgeKeys: [IssuerKey(kid: Fixture.ca.kid, key: Fixture.ca.publicKey)],
        snapshotKeys: SnapshotFixture.pinned)
    static let acceptor = SnapshotAcceptor(anchor: anchor)

    static func refusal(_ token: String, held: SnapshotTrustState?, acceptor: SnapshotAcceptor = acceptor) -> SnapshotErrorCode? {
        do {
            _ = try acceptor.accept(token, held: held, now: Fixture.now)
            return nil
        } catch {
            return error.code
        }
    }

    @Test("a first snapshot is accepted and becomes the held state")
    func first() async throws {
        let snapshot = SnapshotFixture.snapshot()
        let state = try Self.acceptor.accept(try await SnapshotFixture.signed(snapshot), held: nil, now: Fixture.now)
        #expect(state.sequence == 7 && state.snapshot == snapshot && state.stateDigest == snapshot.stateDigestHex)
    }

    @Test("nothing pinned → SNAPSHOT_UNTRUSTED")
    func untrusted() async throws {
        let empty = SnapshotAcceptor(anchor: TrustAnchor(issuer: Fixture.issuer, badgeKeys: [], snapshotKeys: []))
        #expect(Self.refusal(try await SnapshotFixture.signed(SnapshotFixture.snapshot()), held: nil, acceptor: empty) == .untrusted)
    }

    @Test("a lower sequence than held → SNAPSHOT_ROLLBACK, for full snapshots and deltas")
    func rollback() async throws {
        let held = SnapshotTrustState(snapshot: SnapshotFixture.snapshot(sequence: 9))
        #expect(Self.refusal(try await SnapshotFixture.signed(SnapshotFixture.snapshot(sequence: 8)), held: held) == .rollback)
        let delta = TrustSnapshotDelta.between(old: SnapshotFixture.snapshot(sequence: 5), new: SnapshotFixture.snapshot(sequence: 8))
        #expect(Self.refusal(try await delta.signed(by: Ed25519Signer(key: SnapshotFixture.key)), held: held) == .rollback)
        #expect(Self.refusal(try await SnapshotFixture.signed(SnapshotFixture.snapshot(sequence: 10)), held: held) == nil)
    }

    @Test("same sequence, other state → SNAPSHOT_EQUIVOCATION; the same state re-signed is fine")
    func equivocation() async throws {
        let held = SnapshotTrustState(snapshot: SnapshotFixture.snapshot(sequence: 9))
        let other = SnapshotFixture.snapshot(sequence: 9, revoked: [])
        #expect(Self.refusal(try await SnapshotFixture.signed(other), held: held) == .equivocation)
        let resigned = SnapshotFixture.snapshot(sequence: 9, iat: Fixture.now - 1, coveredUntil: Fixture.now - 1)
        let state = try Self.acceptor.accept(try await SnapshotFixture.signed(resigned), held: held, now: Fixture.now)
        #expect(state.snapshot.iat == Fixture.now - 1)
        // An older signing of the same state does not replace the newer one.
        let again = try Self.acceptor.accept(try await SnapshotFixture.signed(SnapshotFixture.snapshot(sequence: 9)), held: state, now: Fixture.now)
        #expect(again.snapshot.iat == Fixture.now - 1)
    }

    @Test("a revocation of a badge expired before the later signing may drop out without a new sequence")
    func expiredRevocationDropsOut() async throws {
        let lapsing = RevokedBadge(jti: "old", exp: Fixture.now - 30, revokedAt: Fixture.now - 500)
        let held = SnapshotTrustState(snapshot: SnapshotFixture.snapshot(sequence: 9, iat: Fixture.now - 60, revoked: SnapshotFixture.revoked + [lapsing]))
        let rebuilt = SnapshotFixture.snapshot(sequence: 9, iat: Fixture.now - 20)
        #expect(Self.refusal(try await SnapshotFixture.signed(rebuilt), held: held) == nil)
        // An unexpired one cannot.
        let live = RevokedBadge(jti: "live", exp: Fixture.now + 30, revokedAt: Fixture.now - 500)
        let heldLive = SnapshotTrustState(snapshot: SnapshotFixture.snapshot(sequence: 9, iat: Fixture.now - 60, revoked: SnapshotFixture.revoked + [live]))
        #expect(Self.refusal(try await SnapshotFixture.signed(rebuilt), held: heldLive) == .equivocation)
    }

    @Test("a delta applies to the held state; without one, or at another base, it is refused")
    func deltas() async throws {
        let old = SnapshotFixture.snapshot(sequence: 7)
        let new = SnapshotFixture.snapshot(sequence: 12, iat: Fixture.now - 5, revoked: [SnapshotFixture.revoked[0]])
        let token = try await TrustSnapshotDelta.between(old: old, new: new).signed(by: Ed25519Signer(key: SnapshotFixture.key))
        let state = try Self.acceptor.accept(token, held: SnapshotTrustState(snapshot: old), now: Fixture.now)
        #expect(state.snapshot == new)
        #expect(Self.refusal(token, held: nil) == .invalid)
        #expect(Self.refusal(token, held: SnapshotTrustState(snapshot: SnapshotFixture.snapshot(sequence: 6))) == .invalid)
    }

    @Test("another issuer's snapshot, a badge key as signer, an expired snapshot are refused")
    func otherRefusals() async throws {
        var foreign = SnapshotFixture.snapshot()
        foreign.iss = "https://other.invalid"
        #expect(Self.refusal(try await SnapshotFixture.signed(foreign), held: nil) == .invalid)
        let byCA = try await SnapshotFixture.snapshot().signed(by: Ed25519Signer(key: Fixture.ca))
        #expect(Self.refusal(byCA, held: nil) == .invalid)
        #expect(Self.refusal(try await SnapshotFixture.signed(SnapshotFixture.snapshot(iat: Fixture.now - 601)), held: nil) == .expired)
    }

    @Test("the state and the anchor survive their JSON forms; a tampered state file is refused")
    func persistence() throws {
        let state = SnapshotTrustState(snapshot: SnapshotFixture.snapshot())
        #expect(try SnapshotTrustState(json: try JSONValue.parse(state.json.serialized())) == state)
        let tampered = Fixture.edit(state.json, ["state_digest": .string(String(repeating: "0", count: 64))])
        #expect(throws: TrustSnapshotError.self) { try SnapshotTrustState(json: tampered) }
        #expect(try TrustAnchor(json: try JSONValue.parse(Self.anchor.json.serialized())) == Self.anchor)
        let mixed = Fixture.edit(Self.anchor.json, ["snapshot_keys": TrustAnchor.jwks(Self.anchor.badgeKeys)])
        #expect(throws: TrustSnapshotError.self) { try TrustAnchor(json: mixed) }
        let leaky = Fixture.edit(Self.anchor.json, ["jwks": ["keys": [Fixture.ca.json()]]])
        #expect(throws: TrustSnapshotError.self) { try TrustAnchor(json: leaky) }
    }
}
