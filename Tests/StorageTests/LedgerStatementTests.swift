import Foundation
import Registry
@testable import Storage
import StoreConformance
import Testing

/// PostgreSQL's ledger statement (`SQLStore.writeLedgerChunk`) and the storage of the log's rows.
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
                try await opened.database.transaction { tx in try await SQLStore.writeLedgerChunk(stale[...], loggingFrom: size + 1, tx) }
            }
            #expect(try await opened.store.sequencedLogSize() == size, "the counter did not move")
            #expect(try await opened.store.badges(jtis: stale.map(\.badge.jti)).isEmpty, "no badge was written")
            #expect(try await opened.store.logEntries(from: size, limit: 10).isEmpty, "no entry was written")
            let fresh = [Self.entry(), Self.entry()]
            let indices = try await opened.database.transaction { tx in try await SQLStore.writeLedgerChunk(fresh[...], loggingFrom: size, tx) }
            #expect(indices == [fresh[0].badge.jti: size, fresh[1].badge.jti: size + 1])
            #expect(try await opened.store.sequencedLogSize() == size + 2)
            #expect(try await opened.store.logEntries(from: size, limit: 10).map(\.data) == fresh.compactMap(\.logEntry?.data))
        }
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
