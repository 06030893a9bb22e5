import BadgeCore
import Foundation
import MemoryStore
import Registry
import Testing

/// The trust state reader's store with a switch that makes every read fail: a database out of reach.
final class Unreachable: TrustStateReader.Store, @unchecked Sendable {
    // @unchecked: `down` is only touched under `lock`.
    let store = InMemoryStore()
    private let lock = NSLock()
    private var down = false
    var isDown: Bool {
        get { lock.withLock { down } }
        set { lock.withLock { down = newValue } }
    }

    struct Down: Error {}
    private func check() throws { if isDown { throw Down() } }

    func recordTrustChanges(_ changes: [TrustChange], at: Int64) async throws -> TrustSequence {
        try check()
        return try await store.recordTrustChanges(changes, at: at)
    }
    func recordTrustBaseline(at: Int64) async throws -> TrustSequence? { try check(); return try await store.recordTrustBaseline(at: at) }
    func trustSequence() async throws -> TrustSequence { try check(); return try await store.trustSequence() }
    func trustJournal(from: Int64, through: Int64) async throws -> [TrustJournalEntry] {
        try check()
        return try await store.trustJournal(from: from, through: through)
    }
    func latestTrustStatuses(through: Int64) async throws -> [TrustChange] { try check(); return try await store.latestTrustStatuses(through: through) }
    func revokedBadges(through: Int64, expiringAfter cutoff: Int64) async throws -> [BadgeRecord] {
        try check()
        return try await store.revokedBadges(through: through, expiringAfter: cutoff)
    }
    func badgeSubjects(agentIDs: [String], at cutoff: Int64) async throws -> [String: Set<String>] {
        try check()
        return try await store.badgeSubjects(agentIDs: agentIDs, at: cutoff)
    }
    func latestBadgeExpiry(kids: [String], at cutoff: Int64) async throws -> [String: Int64] {
        try check()
        return try await store.latestBadgeExpiry(kids: kids, at: cutoff)
    }
    func caKeys() async throws -> [CAKeyRecord] { try check(); return try await store.caKeys() }
    func insertCAKey(_ key: CAKeyRecord) async throws { try check(); try await store.insertCAKey(key) }
    func inTransaction<T: Sendable>(_ body: @Sendable (any StoreTransaction) async throws -> T) async throws -> T {
        try check()
        return try await store.inTransaction(body)
    }
}

@Suite struct TrustSnapshotPublisherTests {
    static func publisher(_ store: Unreachable, clock: TestClock, ttl: Int64, hint: Int64) -> (TrustSnapshotPublisher, PrivateJWK) {
        let key = PrivateJWK.generate(kid: "snapshot-test")
        let publisher = TrustSnapshotPublisher(
            reader: TrustStateReader(store: store), signer: Ed25519Signer(key: key),
            settings: .init(issuer: "https://registry.test.example", ttl: ttl, refreshHint: hint), clock: clock, checkpoint: { nil },
            maxPollAge: .zero
        )
        return (publisher, key)
    }

    static func decode(_ signed: TrustSnapshotPublisher.Signed, _ key: PrivateJWK) throws -> TrustSnapshot {
        guard case .full(let snapshot) = try TrustSnapshotJWS.verify(
            String(decoding: signed.bytes, as: UTF8.self), keys: [IssuerKey(kid: key.kid, key: key.publicKey)]
        ) else { throw Unreachable.Down() }
        return snapshot
    }

    /// A registry outage: the last signed snapshot is served until its `exp`, never longer.
    @Test func anOutageServesTheLastSnapshotUntilItExpires() async throws {
        let store = Unreachable()
        let clock = TestClock()
        let (publisher, key) = Self.publisher(store, clock: clock, ttl: 120, hint: 60)
        _ = try await store.store.ensureActiveCAKey(CAKeyRecord(
            kid: "ca-1", publicJWK: PrivateJWK.generate(kid: "ca-1").publicKey.compactJSON, state: .active, createdAt: clock.now()
        ))
        let before = try Self.decode(try await publisher.full(), key)
        #expect(before.sequence == 1 && before.keys.map(\.kid) == ["ca-1"])
        store.isDown = true
        clock.advance(100)
        let during = try Self.decode(try await publisher.full(), key)
        #expect(during == before, "the signed document, unchanged, while it has not expired")
        clock.advance(20)
        await #expect(throws: Unreachable.Down.self) { _ = try await publisher.full() }
        store.isDown = false
        let after = try Self.decode(try await publisher.full(), key)
        #expect(after.iat == clock.now() && after.stateDigest == before.stateDigest, "back: re-signed, same state")
    }

    /// A hint as long as the TTL: the document is still re-signed before it expires.
    @Test func aDocumentIsResignedBeforeItExpires() async throws {
        let store = Unreachable()
        let clock = TestClock()
        let (publisher, key) = Self.publisher(store, clock: clock, ttl: 60, hint: 60)
        let first = try Self.decode(try await publisher.full(), key)
        clock.advance(30)
        #expect(try Self.decode(try await publisher.full(), key).iat == first.iat, "not yet")
        clock.advance(26)
        let second = try Self.decode(try await publisher.full(), key)
        #expect(second.iat == clock.now() && second.exp > clock.now() + 5, "re-signed within 5 s of expiry")
        #expect(second.coveredUntil == clock.now(), "covering the state read now")
    }
}
