import BadgeCore

/// The badge transparency log (C2SP tlog-tiles, tlog-checkpoint, signed-note): integration of
/// sequenced entries into the tiled tree with a signed checkpoint, and the public reads.
public struct TransparencyLogService: Sendable {
    /// The storage ports this use case needs.
    public typealias Store = TransparencyLogStore & LogIntegrationLock & AuditStore

    let store: any Store
    let signer: NoteSigner
    let clock: any RegistryClock
    /// The latest checkpoint, read at most every `checkpointMaxAge` by the read routes (this
    /// process's own integrations replace it at once; other replicas' show within that time).
    private let latest: SharedBuilds<Int, StoredCheckpoint?>
    /// Full tiles and entry bundles, which never change once the tree covers them.
    private let fullTiles = ImmutableTiles()

    /// `signer`'s name is the log origin.
    public init(store: any Store, signer: NoteSigner, clock: any RegistryClock, checkpointMaxAge: Duration = .milliseconds(500)) {
        self.store = store
        self.signer = signer
        self.clock = clock
        self.latest = SharedBuilds(maxAge: checkpointMaxAge)
    }

    public var origin: String { signer.verifierKey.name }
    /// The signed-note verifier key of the log.
    public var verifierKey: NoteVerifierKey { signer.verifierKey }

    /// Most entries one integration takes in (bounds memory; the next round takes the rest).
    static let maxEntriesPerRound = 65_536

    // MARK: Integration

    /// Extends the tree by the entries sequenced since the last checkpoint and signs a checkpoint
    /// of the new tree. Before signing it checks that the tiles it computed reproduce the last
    /// signed root and that the new tree is consistent with it, so the log never signs two
    /// inconsistent checkpoints. The work is done outside any transaction (SQLite's single writer
    /// stays free for issuance, also when a long backlog is taken in); only storing the tiles and
    /// the checkpoint runs under the integration lock, and only if the checkpoint it started from
    /// is still the latest — otherwise another process extended the tree first, and the next round
    /// goes on from its checkpoint. Every checkpoint stored is audited (`tlog.checkpoint.signed`,
    /// in the same transaction), and so is every refusal to sign (`tlog.checkpoint.refused`): both
    /// are what an operator must see. Returns the new tree size, or nil when nothing was stored.
    @discardableResult
    public func integrate() async throws -> Int64? {
        do {
            return try await extendAndSign()
        } catch let refusal as IntegrationRefused {
            let event = AuditEvent.make("tlog.checkpoint.refused", orgID: nil, actor: "system", details: ["reason": .string(refusal.reason)], at: clock.now())
            try? await store.appendEvent(event)
            throw RegistryError(.internalError, refusal.reason)
        }
    }

    /// Why the log refused to sign: the stored state does not extend what it signed before.
    private struct IntegrationRefused: Error {
        let reason: String
    }

    private func extendAndSign() async throws -> Int64? {
        let base = try await store.latestLogCheckpoint()
        var oldSize: Int64 = 0
        var oldRoot = Merkle.emptyRoot
        if let base {
            guard let checkpoint = Checkpoint.open(base.note, verifier: signer.verifierKey) else {
                throw IntegrationRefused(reason: "the latest stored checkpoint does not verify with the log key \(signer.verifierKey); refusing to sign")
            }
            (oldSize, oldRoot) = (checkpoint.size, checkpoint.root)
        }
        let entries = try await store.logEntries(from: oldSize, limit: Self.maxEntriesPerRound)
        guard !entries.isEmpty else { return nil }
        for (offset, entry) in entries.enumerated() where entry.index != oldSize + Int64(offset) {
            throw IntegrationRefused(reason: "log entry \(oldSize + Int64(offset)) is missing; refusing to sign")
        }
        let newSize = oldSize + Int64(entries.count)
        let cache = LogTileCache(store: store)
        try await cache.loadPartialTiles(of: oldSize)
        let changed = try TiledTree.extend(
            oldSize: oldSize, leafHashes: entries.map { Merkle.leafHash(Array($0.data.utf8)) }, readTile: cache.read
        )
        cache.put(changed)
        let (rebuiltOld, newRoot, consistency) = try await cache.run { tree in
            (try tree.root(size: oldSize), try tree.root(size: newSize), try tree.consistencyProof(oldSize: oldSize, newSize: newSize))
        }
        guard rebuiltOld == oldRoot,
              Merkle.verifyConsistency(oldSize: oldSize, newSize: newSize, oldRoot: oldRoot, newRoot: newRoot, proof: consistency) else {
            throw IntegrationRefused(reason: "the tree of \(newSize) entries does not extend the signed checkpoint of \(oldSize); refusing to sign")
        }
        let note = try signer.sign(Checkpoint(origin: signer.verifierKey.name, size: newSize, root: newRoot).text).serialized
        let checkpoint = StoredCheckpoint(size: newSize, note: note, createdAt: clock.now())
        let tiles = changed.map { StoredLogTile(level: $0.level, index: $0.index, hashes: $0.bytes) }
        let event = AuditEvent.make(
            "tlog.checkpoint.signed", orgID: nil, actor: "system",
            details: ["origin": .string(signer.verifierKey.name), "size": .int(newSize), "previous_size": .int(oldSize), "root": .string(Base64Std.encode(newRoot))],
            at: checkpoint.createdAt
        )
        // What lookups by subject find, read from the entries' bytes here, outside the lock: on
        // SQLite the lock's transaction holds the writer that every badge waits for.
        let subjects = store.recordsLogSubjects ? SequencedLogEntry.named(by: entries) : []
        let stored = try await store.withLogIntegrationLock { tx -> Bool in
            // The tiles were computed from the tree of `base`: stored only while it is the latest.
            guard try await tx.latestLogCheckpoint() == base else { return false }
            try await tx.putLogTiles(tiles)
            if !subjects.isEmpty { try await tx.indexLogSubjects(subjects) }
            try await tx.insertLogCheckpoint(checkpoint)
            try await tx.appendEvent(event)
            return true
        }
        guard stored else { return nil }
        await latest.store(checkpoint, for: 0)
        return newSize
    }

    // MARK: Reads

    /// The latest signed checkpoint (read at most `checkpointMaxAge` ago); nil before the first integration.
    public func checkpoint() async throws -> StoredCheckpoint? {
        let store = self.store
        return try await latest.value(for: 0) { try await store.latestLogCheckpoint() }
    }

    /// Entries sequenced, the size of the latest signed tree and when it was signed (nil before the
    /// first checkpoint), read now: for integration and metrics.
    public func status() async throws -> (sequenced: Int64, treeSize: Int64, signedAt: Int64?) {
        let stored = try await store.latestLogCheckpoint()
        return (try await store.sequencedLogSize(), stored?.size ?? 0, stored?.createdAt)
    }

    /// The size of the latest signed tree (0 before the first checkpoint): the stored size, read
    /// with the checkpoint, not parsed back out of its note; one read on the tile route.
    func treeSize() async throws -> Int64 {
        try await checkpoint()?.size ?? 0
    }

    /// The bytes of a tile or entry bundle of the latest signed tree; 404 beyond it.
    public func tile(_ path: TilePath) async throws -> [UInt8] {
        // A full tile served once is in every later tree (the log only grows), so it is answered
        // without reading the tree's size: no wait on the shared checkpoint read.
        if path.isFull, let bytes = fullTiles[path] { return bytes }
        let size = try await treeSize()
        guard path.exists(inTreeOf: size) else { throw RegistryError.notFound("tile") }
        guard path.isFull else { return try await readTile(path) }
        let bytes = try await readTile(path)
        fullTiles[path] = bytes
        return bytes
    }

    private func readTile(_ path: TilePath) async throws -> [UInt8] {
        let first = path.index * Int64(TilePath.fullWidth)
        guard let level = path.level else {
            let entries = try await store.logEntries(from: first, limit: path.width)
            guard entries.map(\.index) == Array(first..<first + Int64(path.width)),
                  let bundle = EntryBundle.encode(entries.map { Array($0.data.utf8) }) else {
                throw RegistryError.notFound("tile")
            }
            return bundle
        }
        guard let stored = try await store.logTile(level: level, index: path.index), stored.count >= path.width * 32 else {
            throw RegistryError.notFound("tile")
        }
        return Array(stored.prefix(path.width * 32))
    }

    /// Entries for `jti` or `subject` (at most 100), by index.
    public func lookup(jti: String?, subject: String?) async throws -> [SequencedLogEntry] {
        if let jti { return try await store.logEntries(jti: jti) }
        if let subject { return try await store.logEntries(subject: subject, limit: 100) }
        throw RegistryError.invalidRequest("give jti or sub")
    }

    /// The inclusion proof of the credential `jti` against the latest checkpoint.
    public func proof(jti: String) async throws -> LogInclusion {
        guard let entry = try await store.logEntries(jti: jti).first else { throw RegistryError(.badgeNotFound, "no log entry for \(jti)") }
        // The stored size is the checkpoint's: no need to parse the note back for it.
        guard let stored = try await checkpoint(), entry.index < stored.size else {
            throw RegistryError(.notYetLogged, "the entry is sequenced at index \(entry.index) but not yet in a signed checkpoint; retry in a second")
        }
        let cache = LogTileCache(store: store)
        let inclusion = try await cache.run { tree in try tree.inclusionProof(index: entry.index, size: stored.size) }
        return LogInclusion(entry: entry, inclusion: inclusion, checkpoint: stored.note)
    }
}

/// A log entry with its inclusion proof and the signed checkpoint it leads to.
public struct LogInclusion: Sendable {
    public let entry: SequencedLogEntry
    public let inclusion: [Merkle.Hash]
    public let checkpoint: String

    public var leafHash: Merkle.Hash { Merkle.leafHash(Array(entry.record.data.utf8)) }
    /// The C2SP tlog-proof file.
    public var proofText: String { TlogProof(index: entry.index, inclusion: inclusion, checkpoint: checkpoint).text }
}
