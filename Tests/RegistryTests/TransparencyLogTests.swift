import BadgeCore
import Foundation
import MemoryStore
import Registry
import Testing

/// The transparency log's use cases on the in-memory store: what gets logged, and integration
/// that refuses to sign a tree that does not extend the last checkpoint.
@Suite struct TransparencyLogTests {
    static func log(_ store: InMemoryStore, key: PrivateJWK = .generate(kid: "log")) -> TransparencyLogService {
        TransparencyLogService(store: store, signer: NoteSigner(name: "registry.test.example/tlog", key: key)!, clock: TestClock())
    }

    /// Logs `count` badges; returns their jtis, in index order.
    @discardableResult
    static func sequence(_ store: InMemoryStore, _ count: Int) async throws -> [String] {
        try await store.inTransaction { tx in
            var jtis: [String] = []
            for _ in 0..<count {
                let jti = UUID().uuidString
                let badge = BadgeRecord(jti: jti, orgID: "o", agentID: nil, subject: "s", level: "1", ial: "0", kid: "k", issuedAt: 10, expiresAt: 310)
                _ = try await tx.insertBadge(badge, logEntry: LogEntryRecord(jti: jti, subject: "s", type: "badge", data: #"{"jti":"\#(jti)"}"#))
                jtis.append(jti)
            }
            return jtis
        }
    }

    @Test func grantsAndMintedBadgesAreLoggedAsTheirTokensDescribe() async throws {
        let fx = try await MintFixture.make()
        let grantEntries = try await fx.world.store.logEntries(jti: fx.grant.jti)
        #expect(grantEntries.count == 1)
        #expect(grantEntries.first?.record.type == "dv_grant" && grantEntries.first?.record.subject == MintFixture.domain)
        // The entry rebuilt from the token alone (what `insignia log proof-verify` does) is the logged one.
        #expect(grantEntries.first.map { Array($0.record.data.utf8) } == LogEntry(token: fx.grant.token)?.bytes)
        let minted = try await fx.mint()
        let badgeEntries = try await fx.world.store.logEntries(jti: minted.claims.jti)
        #expect(badgeEntries.map(\.record.type) == ["badge"])
        #expect(badgeEntries.first.map { Array($0.record.data.utf8) } == LogEntry(token: minted.token)?.bytes)
        #expect(badgeEntries.first?.index == (grantEntries.first?.index ?? -1) + 1, "sequenced in issuance order")
    }

    @Test func ial0BadgesAreLoggedThroughTheGroupCommit() async throws {
        let world = try await World.make()
        let tenant = try await world.tenant()
        let agent = try await world.keyedAgent(tenant)
        let issued = try await world.badges.issueIAL0(tenant.principal, agent.id, IAL0Request())
        let entries = try await world.store.logEntries(jti: issued.claims.jti)
        #expect(entries.first.map { Array($0.record.data.utf8) } == LogEntry(token: issued.token)?.bytes)
    }

    @Test func integrationRecordsEachEntrysSubjectFromItsBytes() async throws {
        let store = InMemoryStore()
        let log = Self.log(store)
        let subject = "did:web:agents.example:a:\(UUID().uuidString)"
        let badges = (0..<2).map { _ in
            BadgeRecord(jti: UUID().uuidString, orgID: "o", agentID: nil, subject: subject, level: "2", ial: "0", kid: "k", issuedAt: 10, expiresAt: 310)
        }
        let first = try await store.inTransaction { tx in
            var first: Int64?
            for badge in badges {
                let index = try await tx.insertBadge(badge, logEntry: LogEntryRecord(badge: badge, iss: "https://ca.example", token: "a.b.\(badge.jti)"))
                first = first ?? index
            }
            return try #require(first)
        }
        // An entry whose bytes are not a log entry's JSON (its record names the same subject).
        let odd = try await Self.sequence(store, 1)
        #expect(try await log.lookup(jti: nil, subject: subject).isEmpty, "nothing found by subject before integration")
        #expect(try await log.integrate() == first + 3)
        let found = try await log.lookup(jti: nil, subject: subject)
        #expect(found.map(\.index) == [first, first + 1])
        #expect(found.map(\.record.jti) == badges.map(\.jti) && found.allSatisfy { $0.record.type == "badge" && $0.record.subject == subject })
        #expect(try await log.lookup(jti: nil, subject: "s").isEmpty, "the odd entry is logged but not found by subject")
        #expect(try await log.lookup(jti: odd[0], subject: nil).map(\.index) == [first + 2], "though found by its jti")
    }

    @Test func aStoreWhoseLedgerIndexesSubjectsIsAskedToRecordNone() async throws {
        let store = InMemoryStore()
        let ledgerIndexed = RacedLogStore(store)
        ledgerIndexed.recordsLogSubjects = false
        let log = TransparencyLogService(store: ledgerIndexed, signer: NoteSigner(name: "registry.test.example/tlog", key: .generate(kid: "log"))!, clock: TestClock())
        let badge = BadgeRecord(jti: UUID().uuidString, orgID: "o", agentID: nil, subject: "did:web:a.example", level: "1", ial: "0", kid: "k", issuedAt: 1, expiresAt: 2)
        _ = try await store.inTransaction { tx in try await tx.insertBadge(badge, logEntry: LogEntryRecord(badge: badge, iss: "https://ca.example", token: "a.b.c")) }
        #expect(try await log.integrate() == 1, "the tree is extended and signed")
        // The same store recording subjects again: integration records the next entry only (the
        // in-memory store under it finds by subject only what was recorded).
        ledgerIndexed.recordsLogSubjects = true
        let second = BadgeRecord(jti: UUID().uuidString, orgID: "o", agentID: nil, subject: "did:web:a.example", level: "1", ial: "0", kid: "k", issuedAt: 1, expiresAt: 2)
        _ = try await store.inTransaction { tx in try await tx.insertBadge(second, logEntry: LogEntryRecord(badge: second, iss: "https://ca.example", token: "a.b.d")) }
        #expect(try await log.integrate() == 2)
        #expect(try await log.lookup(jti: nil, subject: "did:web:a.example").map(\.record.jti) == [second.jti])
    }

    @Test func anEntrysRecordIsReadBackFromItsBytes() throws {
        let badge = BadgeRecord(jti: "j-1", orgID: "o", agentID: nil, subject: "did:key:z6Mk\"x", level: "1", ial: "1", kid: "k", issuedAt: 1, expiresAt: 2)
        let record = LogEntryRecord(badge: badge, iss: "https://ca.example", token: "t")
        #expect(LogEntryRecord(entryData: record.data) == record, "jti, subject (escapes and all) and type")
        for data in ["", "[]", "{\"jti\":\"j\",\"sub\":\"s\"}", "{\"jti\":\"j\",\"sub\":1,\"type\":\"badge\"}", "{\"jti\":\"j\",\"sub\":\"s\",\"type\":\"badge\""] {
            #expect(LogEntryRecord(entryData: data) == nil, "not an entry: \(data)")
        }
    }

    @Test func integrationSignsOnlyTreesThatExtendTheLastCheckpoint() async throws {
        let store = InMemoryStore()
        let key = PrivateJWK.generate(kid: "log")
        let log = Self.log(store, key: key)
        try await Self.sequence(store, 300)
        #expect(try await log.integrate() == 300)
        let signed = try #require(try await store.latestLogCheckpoint())

        // A stored tile changed behind the log's back: the rebuilt old root no longer matches.
        let tile = try #require(try await store.logTile(level: 0, index: 1))
        var bent = tile
        bent[0] ^= 1
        try await store.putLogTiles([StoredLogTile(level: 0, index: 1, hashes: bent)])
        try await Self.sequence(store, 5)
        await #expect(throws: RegistryError.self) { try await log.integrate() }
        #expect(try await store.latestLogCheckpoint() == signed, "nothing signed")
        try await store.putLogTiles([StoredLogTile(level: 0, index: 1, hashes: tile)])
        #expect(try await log.integrate() == 305, "signs again once the tiles are intact")

        // Another key's checkpoint in the store: refused, never overwritten with ours.
        let stranger = Self.log(store)
        try await Self.sequence(store, 1)
        await #expect(throws: RegistryError.self) { try await stranger.integrate() }
        #expect(try await log.integrate() == 306)

        // Each signature and each refusal is in the audit log, with what an operator needs.
        let events = try await store.events(orgID: nil)
        let signedEvents = events.filter { $0.type == "tlog.checkpoint.signed" }
        #expect(signedEvents.count == 3)
        let last = try #require(signedEvents.first { $0.details?.contains(#""size":306"#) == true })
        #expect(last.details?.contains(#""previous_size":305"#) == true)
        let refusals = events.filter { $0.type == "tlog.checkpoint.refused" }.compactMap(\.details)
        #expect(refusals.count == 2)
        #expect(refusals.contains { $0.contains("does not extend the signed checkpoint of 300") })
        #expect(refusals.contains { $0.contains("does not verify with the log key") })
    }

    @Test func readsShareTheLatestCheckpointAndKeepFullTiles() async throws {
        let store = InMemoryStore()
        let key = PrivateJWK.generate(kid: "log")
        let log = Self.log(store, key: key)
        // Another replica's view of the same log, reading the checkpoint at most every hour.
        let replica = TransparencyLogService(
            store: store, signer: NoteSigner(name: "registry.test.example/tlog", key: key)!, clock: TestClock(), checkpointMaxAge: .seconds(3600)
        )
        try await Self.sequence(store, 256)
        #expect(try await replica.checkpoint() == nil)
        try await log.integrate()
        #expect(try await log.checkpoint()?.size == 256, "the integrating process serves its checkpoint at once")
        #expect(try await replica.checkpoint() == nil, "a replica serves what it read until its copy is older than checkpointMaxAge")

        try await Self.sequence(store, 10)
        try await log.integrate()
        let full = try await log.tile(TilePath(level: 0, index: 0, width: 256)!)
        let partial = try await log.tile(TilePath(level: 0, index: 1, width: 10)!)
        // Bend both stored tiles: the full tile is immutable and served from memory; a partial
        // tile is read again.
        for index: Int64 in [0, 1] {
            var bent = try #require(try await store.logTile(level: 0, index: index))
            bent[0] ^= 1
            try await store.putLogTiles([StoredLogTile(level: 0, index: index, hashes: bent)])
        }
        #expect(try await log.tile(TilePath(level: 0, index: 0, width: 256)!) == full)
        #expect(try await log.tile(TilePath(level: 0, index: 1, width: 10)!) != partial)
    }

    @Test func proofsFollowTheLatestCheckpoint() async throws {
        let store = InMemoryStore()
        let log = Self.log(store)
        let jti = try await Self.sequence(store, 10)[7]
        do {
            _ = try await log.proof(jti: jti)
            Issue.record("a proof before the first checkpoint")
        } catch let error as RegistryError {
            #expect(error.code == .notYetLogged)
        }
        try await log.integrate()
        let inclusion = try await log.proof(jti: jti)
        let proof = try #require(TlogProof.parse(inclusion.proofText))
        #expect(proof.index == 7)
        #expect(try proof.verify(entry: Array(inclusion.entry.record.data.utf8), key: log.verifierKey).get().size == 10)
        await #expect(throws: RegistryError.self) { try await log.proof(jti: "unknown") }
    }
}

/// The log's store as a replica sees it when another replica signs first: just before this
/// replica takes the integration lock, `rival` extends the tree. `recordsLogSubjects` may be
/// turned off, as PostgreSQL's store has it.
private final class RacedLogStore: TransparencyLogService.Store, @unchecked Sendable {
    // @unchecked: `rival` and `recordsLogSubjects` are set between integrations and only read during one.
    let base: InMemoryStore
    var rival: TransparencyLogService?
    var recordsLogSubjects = true

    init(_ base: InMemoryStore) {
        self.base = base
    }

    func withLogIntegrationLock<T: Sendable>(_ body: @Sendable (any StoreTransaction) async throws -> T) async throws -> T {
        if let rival { try await rival.integrate() }
        return try await base.withLogIntegrationLock(body)
    }

    func sequencedLogSize() async throws -> Int64 { try await base.sequencedLogSize() }
    func logEntries(from start: Int64, limit: Int) async throws -> [SequencedLogData] { try await base.logEntries(from: start, limit: limit) }
    func logEntries(jti: String) async throws -> [SequencedLogEntry] { try await base.logEntries(jti: jti) }
    func logEntries(subject: String, limit: Int) async throws -> [SequencedLogEntry] { try await base.logEntries(subject: subject, limit: limit) }
    func indexLogSubjects(_ entries: [SequencedLogEntry]) async throws { try await base.indexLogSubjects(entries) }
    func logTile(level: Int, index: Int64) async throws -> [UInt8]? { try await base.logTile(level: level, index: index) }
    func putLogTiles(_ tiles: [StoredLogTile]) async throws { try await base.putLogTiles(tiles) }
    func latestLogCheckpoint() async throws -> StoredCheckpoint? { try await base.latestLogCheckpoint() }
    func insertLogCheckpoint(_ checkpoint: StoredCheckpoint) async throws { try await base.insertLogCheckpoint(checkpoint) }
    func appendEvent(_ event: AuditEvent) async throws { try await base.appendEvent(event) }
    func events(_ query: EventQuery) async throws -> [AuditEvent] { try await base.events(query) }
}

extension TransparencyLogTests {
    @Test func aReplicaThatLosesTheRaceStoresNothingAndGoesOnFromTheWinner() async throws {
        let store = InMemoryStore()
        let key = PrivateJWK.generate(kid: "log")
        let raced = RacedLogStore(store)
        let loser = TransparencyLogService(store: raced, signer: NoteSigner(name: "registry.test.example/tlog", key: key)!, clock: TestClock())
        let winner = Self.log(store, key: key)
        try await Self.sequence(store, 10)
        try #require(try await winner.integrate() == 10)
        let second = try await Self.sequence(store, 5)
        raced.rival = winner
        // The loser computed the tree of 15 from the checkpoint of 10; the winner stored its
        // checkpoint of 15 first: the loser stores nothing (no second checkpoint of one size, no tiles).
        #expect(try await loser.integrate() == nil)
        let checkpoints = try await store.events(orgID: nil).filter { $0.type == "tlog.checkpoint.signed" }
        #expect(checkpoints.count == 2, "the winner's two checkpoints only")
        #expect(try await store.latestLogCheckpoint()?.size == 15)
        raced.rival = nil
        try await Self.sequence(store, 1)
        #expect(try await loser.integrate() == 16, "the next round goes on from the winner's checkpoint")
        let proof = try await loser.proof(jti: second[2]) // index 12: the tree held 10 before them
        #expect(try TlogProof.parse(proof.proofText)!.verify(entry: Array(proof.entry.record.data.utf8), key: loser.verifierKey).get().size == 16)
    }
}
