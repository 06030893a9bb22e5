import Registry

/// The machinery one `SQLStore` shares between its copies: group commit, group reads and recent
/// reads. Batches run plain statements on the database (`SQLStatements`), never through the store,
/// so nothing here holds the store itself.
final class SQLStoreAccelerators: Sendable {
    let ledger: GroupCommit
    /// Concurrent event ingestions, one transaction per batch.
    let events: Coalescer<[AgentEvent], Int>
    /// Concurrent status lookups, one statement per batch.
    let statusReads: Coalescer<String, BadgeRecord?>
    /// Concurrent verification lookups (badge and subject agents), one statement per batch.
    let verificationReads: Coalescer<String, (badge: BadgeRecord, agents: [SubjectAgent])?>
    /// Concurrent authentications' fresh key reads, one statement per batch: every authenticated
    /// route reads its key, and a revoked key must stop at once, so they are batched, not cached.
    let keyReads: Coalescer<String, APIKeyRecord?>
    /// API keys recently read, by hash.
    let recentKeys = RecentReads<APIKeyRecord>()
    /// Agents recently read, by `AgentLookup`.
    let recentAgents = RecentReads<Agent>()
    let concurrentReads: Int

    init(database: any SQLDatabase, concurrentReads: Int) {
        self.concurrentReads = concurrentReads
        let direct = SQLStatements(executor: database)
        ledger = GroupCommit { entries in try await SQLStore.insertBadges(entries, in: database) }
        // PostgreSQL has no single writer: a second batch encodes while the first is in flight.
        events = .writes(maxBatch: 64, maxConcurrent: database.dialect == .postgres ? 2 : 1) { batches in
            try await SQLStore.insertAgentEventBatches(batches, in: database)
        }
        statusReads = .lookup(maxConcurrent: concurrentReads) { jtis in
            Dictionary(try await direct.badges(jtis: jtis).map { ($0.jti, $0) }, uniquingKeysWith: { first, _ in first })
        }
        verificationReads = .lookup(maxConcurrent: concurrentReads) { jtis in
            try await direct.badgesWithSubjectAgents(jtis: jtis)
        }
        keyReads = .lookup(maxConcurrent: concurrentReads) { hashes in
            Dictionary(try await direct.apiKeys(hashes: hashes).map { ($0.hash, $0) }, uniquingKeysWith: { first, _ in first })
        }
    }

    func forgetRecentReads() {
        recentKeys.forgetAll()
        recentAgents.forgetAll()
    }
}

extension SQLStore {
    // MARK: Batched ledger

    public func recordIssuance(_ entry: LedgerEntry) async throws -> LedgerRecording {
        try await accelerators.ledger.write(entry)
    }

    public func badge(jti: String) async throws -> BadgeRecord? {
        try await accelerators.statusReads.submit(jti)
    }

    public func badgeWithSubjectAgents(jti: String) async throws -> (badge: BadgeRecord, agents: [SubjectAgent])? {
        try await accelerators.verificationReads.submit(jti)
    }

    // MARK: Recent reads

    public func apiKey(hash: String, freshness: ReadFreshness) async throws -> APIKeyRecord? {
        guard case .recent(let maxAge, let now) = freshness else { return try await accelerators.keyReads.submit(hash) }
        if let key = accelerators.recentKeys.value(hash, now: now, maxAge: maxAge) { return key }
        let key = try await accelerators.keyReads.submit(hash)
        if let key { accelerators.recentKeys.remember(key, for: hash, now: now) } else { accelerators.recentKeys.forget(hash) }
        return key
    }

    /// Keeps `last_used_at` of a remembered key in step, so a recent read does not touch again.
    public func touchAPIKey(id: String, at: Int64) async throws {
        try await SQLStatements(executor: database).touchAPIKey(id: id, at: at)
        accelerators.recentKeys.forget { $0.id == id }
    }

    public func agent(_ lookup: AgentLookup, freshness: ReadFreshness) async throws -> Agent? {
        guard case .recent(let maxAge, let now) = freshness else { return try await agent(lookup) }
        let key = lookup.cacheKey
        if let agent = accelerators.recentAgents.value(key, now: now, maxAge: maxAge) { return agent }
        let agent = try await agent(lookup)
        if let agent { accelerators.recentAgents.remember(agent, for: key, now: now) } else { accelerators.recentAgents.forget(key) }
        return agent
    }
}

extension AgentLookup {
    var cacheKey: String {
        switch self {
        case .id(let id): "i " + id
        case .did(let did): "d " + did
        case .didElseID(let did, let id): "e " + did + " " + id
        }
    }
}
