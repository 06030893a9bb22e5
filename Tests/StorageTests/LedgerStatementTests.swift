import Foundation
import Registry
@testable import Storage
import StoreConformance
import Testing

/// PostgreSQL's ledger statement (`SQLStore.writeLedger`) and the storage of the log's rows.
@Suite struct LedgerStatementTests {
    static func entry() -> LedgerEntry {
        let jti = UUID().uuidString
        return LedgerEntry(
            badge: BadgeRecord(jti: jti, orgID: "o", agentID: nil, subject: "did:web:x:agents:a", level: "1", ial: "0", kid: "k", issuedAt: 1, expiresAt: 2),
            event: AuditEvent(id: UUID().uuidString, orgID: nil, type: "badge.issued", actor: "t", subject: jti, details: nil, createdAt: 1),
            logEntry: LogEntryRecord(jti: jti, subject: "did:web:x:agents:a", type: "badge", data: #"{"jti":"\#(jti)"}"#)
        )
    }

    /// The statement writes the indices it is given as values; it must not write them when the
    /// counter no longer holds the value they were taken from (the lock makes that impossible in
    /// the ledger transaction; this is the check behind it).
    @Test(arguments: TestBackend.available.filter { $0 == .postgres })
    func theStatementRefusesIndicesFromACounterThatMoved(backend: TestBackend) async throws {
        try await backend.withDatabase { opened, _ in
            let size = try await opened.store.sequencedLogSize()
            let stale = [Self.entry(), Self.entry()]
            await #expect(throws: SQLRowError.self) {
                try await opened.database.transaction { tx in try await SQLStore.writeLedger(stale, loggingFrom: size + 1, tx) }
            }
            #expect(try await opened.store.sequencedLogSize() == size, "the counter did not move")
            #expect(try await opened.store.badges(jtis: stale.map(\.badge.jti)).isEmpty, "no badge was written")
            #expect(try await opened.store.logEntries(from: size, limit: 10).isEmpty, "no entry was written")
            let fresh = [Self.entry(), Self.entry()]
            let indices = try await opened.database.transaction { tx in try await SQLStore.writeLedger(fresh, loggingFrom: size, tx) }
            #expect(indices == [fresh[0].badge.jti: size, fresh[1].badge.jti: size + 1])
            #expect(try await opened.store.sequencedLogSize() == size + 2)
            #expect(try await opened.store.logEntries(from: size, limit: 10).map(\.data) == fresh.compactMap(\.logEntry?.data))
        }
    }

    /// Every column is bound as one array: NULLs stay NULL next to values in the same column,
    /// text with multi-byte characters and the array syntax's own characters arrives unchanged,
    /// and a badge with no log entry in a logged batch gets no index.
    @Test(arguments: TestBackend.available.filter { $0 == .postgres })
    func columnsBoundAsArraysArriveAsWritten(backend: TestBackend) async throws {
        try await backend.withDatabase { opened, _ in
            let size = try await opened.store.sequencedLogSize()
            var plain = Self.entry(), unlogged = Self.entry(), odd = Self.entry()
            plain.badge.agentID = "agent-1"
            plain.event.agentID = "agent-1"
            plain.badge.audience = ["https://a.example", "b c"]
            unlogged.logEntry = nil
            unlogged.badge.revokedAt = 5
            unlogged.badge.revocationReason = "key_compromise"
            odd.badge.subject = #"did:web:例え.jp:agents:{"ü",\ NULL}"#
            odd.event.details = #"{"reason":"a,b","path":"C:\x","none":null}"#
            odd.event.orgID = "org-ü"
            let entries = [plain, unlogged, odd]
            let indices = try await opened.database.transaction { tx in try await SQLStore.writeLedger(entries, loggingFrom: size, tx) }
            #expect(indices == [plain.badge.jti: size, odd.badge.jti: size + 1])
            let stored = try await opened.store.badges(jtis: entries.map(\.badge.jti))
            #expect(Set(stored.map(\.jti)) == Set(entries.map(\.badge.jti)))
            for entry in entries {
                #expect(stored.first { $0.jti == entry.badge.jti } == entry.badge)
            }
            let events = try await opened.store.events(orgID: nil).filter { event in entries.contains { $0.event.id == event.id } }
            #expect(Set(events.map(\.id)) == Set(entries.map(\.event.id)))
            for entry in entries {
                #expect(events.first { $0.id == entry.event.id } == entry.event)
            }
            let rows = try await opened.database.query("SELECT jti, log_index FROM badges WHERE jti = $1", [.text(unlogged.badge.jti)])
            #expect(try rows.first?.optionalInt("log_index") == nil && rows.count == 1)
            #expect(try await opened.store.logEntries(from: size, limit: 10).map(\.data) == [plain, odd].compactMap(\.logEntry?.data))
        }
    }

    /// The statement's text is the same for every batch, so PostgreSQL prepares it once per
    /// connection and runs it again without parsing or planning it: batches of different sizes
    /// run one prepared statement. So do the ledger transaction's reads of issuance bases.
    @Test(arguments: TestBackend.available.filter { $0 == .postgres })
    func theLedgerStatementsArePreparedOnceForBatchesOfAnySize(backend: TestBackend) async throws {
        try await backend.withDatabase { opened, _ in
            let size = try await opened.store.sequencedLogSize()
            let prepared = try await opened.database.transaction { tx in
                _ = try await SQLStore.writeLedger([Self.entry()], loggingFrom: size, tx)
                _ = try await SQLStore.writeLedger([Self.entry(), Self.entry(), Self.entry()], loggingFrom: size + 1, tx)
                var unlogged = Self.entry()
                unlogged.logEntry = nil
                _ = try await SQLStore.writeLedger([unlogged], loggingFrom: size + 4, tx)
                // The reads before it, for one agent and for two.
                var based = [Self.entry(), Self.entry(), Self.entry()]
                for (offset, agent) in ["a", "b", "b"].enumerated() {
                    based[offset].basis = IssuanceBasis(agent: Agent(id: agent, orgID: "o", name: agent, createdAt: 1, updatedAt: 1), apiKeyID: "k\(offset)")
                }
                let first = try await SQLStore.staleBases(of: [based[0]], tx, lockingLogCounter: true)
                let second = try await SQLStore.staleBases(of: based, tx, lockingLogCounter: true)
                _ = try await SQLStore.staleBases(of: based, tx)
                #expect(first.stale == [based[0].badge.jti] && second.stale == Set(based.map(\.badge.jti)), "unknown agents and keys")
                #expect(first.nextLogIndex == size + 4 && second.nextLogIndex == size + 4)
                return try await tx.query(
                    "SELECT name, statement, generic_plans + custom_plans AS runs FROM pg_prepared_statements ORDER BY name"
                )
            }
            #expect(try prepared.map { try $0.string("name") } == [
                "insignia.AgentRevisions", "insignia.LockedLogCounterAndAgentRevisions", "insignia.LoggedLedgerStatement",
                "insignia.OneID<LockedLogCounterAndAgentRevisions>", "insignia.OneID<UnrevokedKeyExpiries>",
                "insignia.UnloggedLedgerStatement", "insignia.UnrevokedKeyExpiries",
            ])
            #expect(try prepared.map { try $0.int("runs") } == [1, 1, 2, 1, 1, 1, 2])
            #expect(try prepared.map { try $0.string("statement") } == [
                AgentRevisions.sql, LockedLogCounterAndAgentRevisions.sql, LoggedLedgerStatement.sql,
                OneID<LockedLogCounterAndAgentRevisions>.sql, OneID<UnrevokedKeyExpiries>.sql,
                UnloggedLedgerStatement.sql, UnrevokedKeyExpiries.sql,
            ])
            #expect(try await opened.store.sequencedLogSize() == size + 4)
        }
    }

    /// Rows become one array per column, NULLs kept in place; a value of another type than its
    /// column's is refused by name rather than bound as NULL.
    @Test func rowsBecomeColumnArraysOfTheirDeclaredTypes() throws {
        let row: [SQLValue] = [.text("e1"), .null, .text("badge.issued"), .text("t"), .null, .text("a"), .null, .int(7)]
        let other: [SQLValue] = [.text("e2"), .text("o"), .text("badge.issued"), .text("t"), .text("s"), .null, .text("{}"), .int(8)]
        #expect(try ColumnArrays.events.arrays([row, other]) == [
            .texts(["e1", "e2"]), .texts([nil, "o"]), .texts(["badge.issued", "badge.issued"]), .texts(["t", "t"]), .texts([nil, "s"]),
            .texts(["a", nil]), .texts([nil, "{}"]), .ints([7, 8]),
        ])
        var wrong = row
        wrong[7] = .text("7")
        #expect {
            try ColumnArrays.events.arrays([row, wrong])
        } throws: { error in
            guard case SQLRowError.unexpected("audit_events.created_at")? = error as? SQLRowError else { return false }
            return true
        }
        #expect(ColumnArrays.badges.columns.filter { $0.type == .bigint }.map(\.name) == ["issued_at", "expires_at", "revoked_at", "log_index"])
    }

    /// The log's rows compress in the heap page (migration 18): lz4 where the server has it.
    @Test(arguments: TestBackend.available.filter { $0 == .postgres })
    func logRowsAreCompressedInPlace(backend: TestBackend) async throws {
        try await backend.withDatabase { opened, _ in
            let column = try #require(try await opened.database.query(
                """
                SELECT attstorage::text AS storage, attcompression::text AS compression,
                    'lz4' = ANY (SELECT unnest(enumvals) FROM pg_settings WHERE name = 'default_toast_compression') AS has_lz4
                FROM pg_attribute WHERE attrelid = 'tlog_batches'::regclass AND attname = 'entries'
                """
            ).first)
            #expect(try column.string("storage") == "m")
            #expect(try column.string("compression") == (try column.int("has_lz4") == 1 ? "l" : ""))
        }
    }
}
