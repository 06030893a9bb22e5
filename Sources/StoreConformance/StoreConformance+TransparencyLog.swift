import Registry

extension StoreConformance {
    static func logRecord(_ jti: String = uuid(), subject: String = "did:web:x:agents:\(uuid())") -> LogEntryRecord {
        LogEntryRecord(jti: jti, subject: subject, type: "badge", data: #"{"jti":"\#(jti)"}"#)
    }

    /// Records each of `entries` with a ledger row of its own, as issuance does (`insertBadge`);
    /// returns the first entry's index. For tests that need a log of some shape, not its badges.
    public static func recordLogged(_ entries: [LogEntryRecord], in tx: any StoreTransaction) async throws -> Int64 {
        var first: Int64?
        for entry in entries {
            let badge = BadgeRecord(
                jti: entry.jti, orgID: "log-fixture", agentID: nil, subject: entry.subject, level: "1", ial: "0", kid: "k", issuedAt: 10, expiresAt: 310
            )
            let index = try await tx.insertBadge(badge, logEntry: entry)
            first = first ?? index
        }
        if let first { return first }
        return try await tx.sequencedLogSize()
    }

    static func logged(_ org: Organization, basis: IssuanceBasis? = nil) -> LedgerEntry {
        let jti = uuid(), subject = "did:web:x:agents:\(uuid())"
        return LedgerEntry(
            badge: BadgeRecord(jti: jti, orgID: org.id, agentID: basis?.agent.id, subject: subject, level: "1", ial: "0", kid: "k", issuedAt: 10, expiresAt: 310),
            event: AuditEvent(id: uuid(), orgID: org.id, type: "badge.issued", actor: "t", subject: nil, details: nil, createdAt: 10),
            basis: basis, logEntry: logRecord(jti, subject: subject)
        )
    }

    static let transparencyLogCases: [ConformanceCase] = [
        ConformanceCase(name: "log entries of concurrent issuances get consecutive indices, each once") { store in
            let org = try await makeOrg(store)
            let before = try await store.sequencedLogSize()
            let entries = (0..<30).map { _ in logged(org) }
            let recorded = try await withThrowingTaskGroup(of: (String, LedgerRecording).self) { group in
                for entry in entries { group.addTask { (entry.badge.jti, try await store.recordIssuance(entry)) } }
                return try await group.reduce(into: [String: LedgerRecording]()) { $0[$1.0] = $1.1 }
            }
            let after = try await store.sequencedLogSize()
            try await expect(after - before >= Int64(entries.count), "the counter moved by at least the entries recorded")
            let sequenced = try await store.logEntries(from: before, limit: 10_000)
            try await expect(sequenced.map(\.index) == Array(before..<after), "indices from \(before) with no gap")
            // Each fixture entry's bytes name its jti, so the bytes identify the badge.
            let jtis = Dictionary(uniqueKeysWithValues: entries.compactMap { entry in entry.logEntry.map { ($0.data, entry.badge.jti) } })
            let ours = sequenced.filter { jtis[$0.data] != nil }
            try await expect(ours.count == entries.count, "every recorded badge has exactly one entry")
            try await expect(Set(ours.map(\.data)).count == entries.count, "no badge twice")
            for entry in ours {
                try await expect(recorded[jtis[entry.data] ?? ""] == .recorded(logIndex: entry.index), "each caller was told its badge's index")
            }
            let one = try await store.logEntries(jti: entries[3].badge.jti)
            try await expect(one.count == 1 && one.first?.record == entries[3].logEntry, "found by jti with its bytes")
        },
        ConformanceCase(name: "a large batch with unlogged entries: consecutive indices in batch order, every row and event written") { store in
            let org = try await makeOrg(store)
            // Over 500 rows: the SQL stores write a batch in chunks of at most 500.
            // The first row has every nullable column NULL (PostgreSQL types the batch's columns
            // from it); some later rows fill them in, and must read back as written.
            let entries = (0..<620).map { offset in
                var entry = logged(org)
                if offset % 7 == 3 { entry.logEntry = nil }
                if offset % 5 == 2 {
                    entry.badge.agentID = "agent-\(offset)"
                    entry.badge.audience = ["https://a.example", "https://b.example"]
                    entry.badge.revokedAt = 500 + Int64(offset)
                    entry.badge.revocationReason = "reason \(offset)"
                }
                return entry
            }
            let before = try await store.sequencedLogSize()
            let commit = try await store.insertBadges(entries)
            let loggedJTIs = entries.filter { $0.logEntry != nil }.map(\.badge.jti)
            try await expect(commit.stale.isEmpty, "nothing stale")
            try await expect(
                commit.logIndices == Dictionary(uniqueKeysWithValues: loggedJTIs.enumerated().map { ($1, before + Int64($0)) }),
                "the logged entries take consecutive indices in batch order; the unlogged ones none"
            )
            try await expect(try await store.sequencedLogSize() == before + Int64(loggedJTIs.count), "the counter moved by the logged entries")
            let sequenced = try await store.logEntries(from: before, limit: loggedJTIs.count)
            try await expect(sequenced.map(\.data) == entries.compactMap(\.logEntry?.data), "each index holds its entry's bytes")
            try await expect(try await store.logEntries(from: before + 2, limit: 3).map(\.index) == [before + 2, before + 3, before + 4], "a range")
            // SQL stores keep 64 entries a row: ranges that start inside one row and end in another.
            for (start, count) in [(60, 10), (127, 130), (470, 60)] {
                try await expect(
                    try await store.logEntries(from: before + Int64(start), limit: count).map(\.data) == Array(sequenced[start..<start + count].map(\.data)),
                    "the range of \(count) from \(start)"
                )
            }
            try await expect(try await store.logEntries(from: .max - 1, limit: 10).isEmpty, "a range past the end of Int64: nothing, no trap")
            let rows = try await store.badges(jtis: entries.map(\.badge.jti))
            try await expect(
                rows.sorted { $0.jti < $1.jti } == entries.map(\.badge).sorted { $0.jti < $1.jti },
                "every badge row written, NULL or not as given"
            )
            for jti in [loggedJTIs[0], loggedJTIs[loggedJTIs.count - 1], entries[3].badge.jti] {
                try await expect(try await store.logEntries(jti: jti).map(\.index) == commit.logIndices[jti].map { [$0] } ?? [], "found by jti: \(jti)")
            }
            let events = try await store.events(orgID: org.id)
            try await expect(Set(entries.map(\.event.id)).isSubset(of: Set(events.map(\.id))), "every audit event written")
        },
        ConformanceCase(name: "a stale or rolled-back issuance takes no log index") { store in
            let org = try await makeOrg(store)
            let agent = makeAgent(org)
            try await store.insertAgent(agent)
            var changed = agent
            changed.name = "renamed"
            changed.updatedAt += 1
            try await expect(try await store.updateAgent(changed), "agent changed")
            let before = try await store.sequencedLogSize()
            let stale = logged(org, basis: IssuanceBasis(agent: agent, apiKeyID: nil))
            let fresh = logged(org)
            let commit = try await store.insertBadges([stale, fresh])
            try await expect(commit.stale == [stale.badge.jti], "the stale entry is left out")
            try await expect(commit.logIndices == [fresh.badge.jti: before], "the kept badge's index is reported")
            try await expect(commit.recording(of: stale.badge.jti) == .stale && commit.recording(of: fresh.badge.jti) == .recorded(logIndex: before), "per entry")
            try await expect(try await store.logEntries(jti: fresh.badge.jti).map(\.index) == [before], "at that index")
            try await expect(try await store.logEntries(from: before, limit: 10).map(\.data) == [fresh.logEntry?.data], "holding the kept badge's entry alone")
            try await expect(try await store.sequencedLogSize() == before + 1, "only the kept badge was sequenced")
            try await expect(try await store.logEntries(jti: stale.badge.jti).isEmpty, "nothing logged for the stale badge")
            struct Abort: Error {}
            try await expectThrows("a transaction that throws", {
                try await store.inTransaction { tx in
                    _ = try await recordLogged([logRecord(), logRecord()], in: tx)
                    throw Abort()
                }
            }, matches: { $0 is Abort })
            try await expect(try await store.sequencedLogSize() == before + 1, "a rolled-back transaction leaves no gap")
            let first = try await store.inTransaction { tx in try await recordLogged([logRecord(), logRecord()], in: tx) }
            try await expect(first == before + 1, "the next transaction continues where the last commit ended")
        },
        ConformanceCase(name: "a log entry that is not one line is refused and leaves nothing; a range from before 0 starts at 0") { store in
            let org = try await makeOrg(store)
            let before = try await store.sequencedLogSize()
            var twoLines = logged(org)
            twoLines.logEntry?.data = #"{"a":1}"# + "\r\n" + #"{"b":2}"#
            let split = twoLines
            let kept = logged(org)
            try await expectThrows("a ledger batch holding a two-line entry", { _ = try await store.insertBadges([kept, split]) }, matches: { $0 is LogEntryRecord.NotOneLine })
            try await expectThrows("one badge with a two-line entry", {
                try await store.inTransaction { tx in _ = try await tx.insertBadge(split.badge, logEntry: split.logEntry) }
            }, matches: { $0 is LogEntryRecord.NotOneLine })
            try await expect(try await store.sequencedLogSize() == before, "nothing sequenced")
            for jti in [kept.badge.jti, split.badge.jti] {
                try await expect(try await store.badge(jti: jti) == nil, "no badge of the refused batch recorded")
            }
            _ = try await store.inTransaction { tx in try await recordLogged([logRecord(), logRecord()], in: tx) }
            try await expect(try await store.logEntries(from: -2, limit: 4).map(\.index) == [0, 1], "indices -2 up to 2: the first two")
            try await expect(try await store.logEntries(from: -5, limit: 3).isEmpty, "a range that ends before 0 is empty")
        },
        ConformanceCase(name: "log lookups by subject (once integration recorded them), tiles replaced in place, latest checkpoint") { store in
            let subject = "did:web:x:agents:\(uuid())"
            let records = [logRecord(subject: subject), logRecord(), logRecord(subject: subject)]
            let first = try await store.inTransaction { tx in try await recordLogged(records, in: tx) }
            let sequenced = records.enumerated().map { SequencedLogEntry(index: first + Int64($0.offset), record: $0.element) }
            // A store whose ledger indexes subjects finds them once sequenced; another once
            // integration records them: out of order, one of them twice, and in a transaction.
            let before = try await store.logEntries(subject: subject, limit: 10)
            try await expect(before == (store.recordsLogSubjects ? [] : [sequenced[0], sequenced[2]]), "found by subject as the store says")
            try await store.inTransaction { tx in try await tx.indexLogSubjects([sequenced[2], sequenced[0]]) }
            try await store.indexLogSubjects(sequenced)
            let bySubject = try await store.logEntries(subject: subject, limit: 10)
            try await expect(bySubject == [sequenced[0], sequenced[2]], "both entries of the subject, by index, each once with its bytes")
            try await expect(try await store.logEntries(subject: subject.uppercased(), limit: 10).isEmpty, "subjects compare exactly")
            try await expect(try await store.logEntries(subject: String(subject.dropLast()), limit: 10).isEmpty, "a prefix is another subject")
            // Two entries of one subject recorded together (one row of entries in the SQL stores).
            let org = try await makeOrg(store)
            let shared = "did:web:x:agents:\(uuid())"
            let together = [logged(org), logged(org)].map { entry -> LedgerEntry in
                var entry = entry
                entry.badge.subject = shared
                entry.logEntry?.subject = shared
                return entry
            }
            let commit = try await store.insertBadges(together)
            let recorded = together.map { SequencedLogEntry(index: commit.logIndices[$0.badge.jti] ?? -1, record: $0.logEntry!) }
            try await store.indexLogSubjects(recorded)
            try await expect(try await store.logEntries(subject: shared, limit: 10) == recorded, "both, each with its own bytes")
            try await expect(try await store.logEntries(subject: subject, limit: 1).count == 1, "limit")
            let level = 40 + Int.random(in: 0..<20)
            try await expect(try await store.logTile(level: level, index: 7) == nil, "no tile yet")
            let partial = Array(repeating: UInt8(1), count: 64), full = (0..<8192).map { UInt8($0 % 251) }
            try await store.putLogTiles([StoredLogTile(level: level, index: 7, hashes: partial)])
            try await expect(try await store.logTile(level: level, index: 7) == partial, "partial tile read back")
            try await store.putLogTiles([StoredLogTile(level: level, index: 7, hashes: full), StoredLogTile(level: level, index: 8, hashes: partial)])
            try await expect(try await store.logTile(level: level, index: 7) == full, "replaced by the full tile")
            try await expect(try await store.logTile(level: level, index: 8) == partial, "several tiles at once")
            let base = (try await store.latestLogCheckpoint()?.size ?? 0) + 1_000_000
            try await store.insertLogCheckpoint(StoredCheckpoint(size: base + 5, note: "b\n", createdAt: 2))
            try await store.insertLogCheckpoint(StoredCheckpoint(size: base + 3, note: "a\n", createdAt: 1))
            try await expect(try await store.latestLogCheckpoint() == StoredCheckpoint(size: base + 5, note: "b\n", createdAt: 2), "the largest tree")
            try await expectThrows("a second checkpoint of one size", {
                try await store.insertLogCheckpoint(StoredCheckpoint(size: base + 5, note: "c\n", createdAt: 3))
            }, matches: { $0 is StoreError })
        },
    ]
}
