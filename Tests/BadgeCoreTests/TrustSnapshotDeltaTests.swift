import Testing
@testable import BadgeCore

/// Deltas: `between(old:new:)` and `apply(to:)` round-trip, and a delta never applies to
/// another base.
@Suite struct TrustSnapshotDeltaTests {
    static let old = SnapshotFixture.snapshot(sequence: 7)
    static let new: TrustSnapshot = {
        var revoked = SnapshotFixture.revoked.filter { $0.jti != "a-1" }
        revoked.append(RevokedBadge(jti: "c-3", exp: Fixture.now + 50, revokedAt: Fixture.now - 5, reason: "superseded"))
        let inactive = [
            // aa went from disabled to deleted; zz was enabled again; mm is new.
            InactiveSubject(did: "did:web:registry.capisc.invalid:agents:aa", status: .deleted, since: Fixture.now - 10),
            InactiveSubject(did: "did:web:registry.capisc.invalid:agents:mm", status: .disabled, since: Fixture.now - 9),
        ]
        var snapshot = SnapshotFixture.snapshot(sequence: 12, iat: Fixture.now - 5, revoked: revoked, inactive: inactive)
        snapshot.checkpoint = "origin\n3\nroot\n"
        return snapshot
    }()

    @Test("between lists exactly the additions, changes and removals, and apply rebuilds the new state")
    func roundTrip() throws {
        let delta = TrustSnapshotDelta.between(old: Self.old, new: Self.new)
        #expect(delta.since == 7 && delta.sequence == 12)
        #expect(delta.addedRevoked.map(\.jti) == ["c-3"])
        #expect(delta.removedRevoked == ["a-1"])
        #expect(delta.addedInactive.map(\.did) == ["did:web:registry.capisc.invalid:agents:aa", "did:web:registry.capisc.invalid:agents:mm"])
        #expect(delta.removedInactive == ["did:web:registry.capisc.invalid:agents:zz"])
        let rebuilt = try delta.apply(to: Self.old)
        #expect(rebuilt == Self.new)
        #expect(rebuilt.stateDigest == Self.new.stateDigest)
    }

    @Test("a delta survives its JSON form and applies the same")
    func jsonRoundTrip() throws {
        let delta = TrustSnapshotDelta.between(old: Self.old, new: Self.new)
        let json = delta.json
        #expect(json["kind"] == "delta")
        #expect(json["since"] == 7)
        #expect(json["removed"]?["revoked"] == ["a-1"])
        let decoded = try TrustSnapshotDelta(json: try JSONValue.parse(json.serialized()))
        #expect(decoded == delta)
        #expect(try decoded.apply(to: Self.old) == Self.new)
    }

    @Test("between equal states is empty; between a state and itself applies to itself")
    func empty() throws {
        let resigned = SnapshotFixture.snapshot(sequence: 7, iat: Fixture.now)
        let delta = TrustSnapshotDelta.between(old: Self.old, new: resigned)
        #expect(delta.addedRevoked.isEmpty && delta.removedRevoked.isEmpty)
        #expect(delta.addedInactive.isEmpty && delta.removedInactive.isEmpty)
        let reverse = TrustSnapshotDelta.between(old: Self.new, new: Self.old)
        #expect(try reverse.apply(to: Self.new).stateDigest == Self.old.stateDigest)
    }

    @Test("a delta refuses a base at another sequence or of another issuer")
    func wrongBase() throws {
        let delta = TrustSnapshotDelta.between(old: Self.old, new: Self.new)
        #expect(throws: TrustSnapshotError.self) { try delta.apply(to: SnapshotFixture.snapshot(sequence: 6)) }
        var foreign = Self.old
        foreign.iss = "https://other.invalid"
        #expect(throws: TrustSnapshotError.self) { try delta.apply(to: foreign) }
    }

    @Test("malformed deltas are refused", arguments: [
        ["since": 12], ["since": 13], ["since": -1], ["kind": "full"], ["added": nil], ["removed": ["revoked": [1], "inactive": []]],
        ["removed": ["revoked": ["c-3"], "inactive": []]],
    ] as [[String: JSONValue?]])
    func malformed(_ changes: [String: JSONValue?]) {
        let payload = Fixture.edit(TrustSnapshotDelta.between(old: Self.old, new: Self.new).json, changes)
        #expect(throws: TrustSnapshotError.self) { try TrustSnapshotDelta(json: payload) }
    }

    @Test("a signed delta verifies as a delta")
    func signed() async throws {
        let delta = TrustSnapshotDelta.between(old: Self.old, new: Self.new)
        let token = try await delta.signed(by: Ed25519Signer(key: SnapshotFixture.key))
        #expect(try TrustSnapshotJWS.verify(token, keys: SnapshotFixture.pinned, now: Fixture.now) == .delta(delta))
    }
}
