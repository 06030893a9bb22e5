import Foundation
import MemoryStore
import Registry
import Testing

/// What the in-memory store guarantees beyond the conformance suite: transaction isolation and
/// the misuse it reports instead of deadlocking.
@Suite struct MemoryStoreTests {
    static func org(_ name: String = "org-\(UUID().uuidString)") -> Organization {
        Organization(id: UUID().uuidString.lowercased(), name: name, createdAt: 1)
    }

    @Test func anOpenTransactionsWritesAreInvisibleUntilItCommits() async throws {
        let store = InMemoryStore()
        let inside = Self.org()
        let (entered, enteredSignal) = AsyncStream<Void>.makeStream()
        let (release, releaseSignal) = AsyncStream<Void>.makeStream()
        let transaction = Task {
            try await store.inTransaction { tx in
                try await tx.insertOrganization(inside)
                #expect(try await tx.organization(id: inside.id) == inside, "the transaction reads its own write")
                enteredSignal.yield()
                for await _ in release { break }
            }
        }
        for await _ in entered { break }
        #expect(try await store.organization(id: inside.id) == nil, "not visible while the transaction is open")
        // A write waits for the open transaction, so when it is done the transaction's write is visible.
        let writer = Task {
            try await store.insertOrganization(Self.org())
            return try await store.organization(id: inside.id)
        }
        releaseSignal.yield()
        try await transaction.value
        #expect(try await writer.value == inside)
    }

    @Test func concurrentTransactionsDoNotInterleave() async throws {
        let store = InMemoryStore()
        let counts = try await withThrowingTaskGroup(of: [Int].self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await store.inTransaction { tx in
                        var seen: [Int] = []
                        for _ in 0..<3 {
                            seen.append(try await tx.incrementRateCounter(bucket: "b", windowStart: 0))
                            await Task.yield()
                        }
                        return seen
                    }
                }
            }
            return try await group.reduce(into: [[Int]]()) { $0.append($1) }
        }
        // Each transaction saw three consecutive counts: nobody else's hit came in between.
        #expect(counts.allSatisfy { $0[1] == $0[0] + 1 && $0[2] == $0[0] + 2 }, "\(counts)")
        #expect(Set(counts.map { $0[0] }) == Set(stride(from: 1, through: 22, by: 3)))
    }

    @Test func aThrowingBodyDiscardsEveryWriteButAFailedStatementAloneIsUndone() async throws {
        let store = InMemoryStore()
        let taken = Self.org()
        try await store.insertOrganization(taken)
        let kept = Self.org()
        try await store.inTransaction { tx in
            try await tx.insertOrganization(kept)
            await #expect(throws: StoreError.uniqueViolation(constraint: "organizations.name")) {
                try await tx.insertOrganization(Self.org(taken.name))
            }
        }
        #expect(try await store.organization(id: kept.id) == kept, "the caught failure left the transaction's other write")
    }

    @Test func writingThroughTheStoreInsideItsOwnTransactionThrowsInsteadOfDeadlocking() async throws {
        let store = InMemoryStore()
        try await store.inTransaction { _ async throws in
            await #expect(throws: InMemoryStoreError.writeOutsideOpenTransaction(operation: "insertOrganization(_:)")) {
                try await store.insertOrganization(Self.org())
            }
            await #expect(throws: InMemoryStoreError.self) { try await store.inTransaction { _ in } }
            let entry = LedgerEntry(
                badge: BadgeRecord(jti: "j", orgID: "o", agentID: nil, subject: "s", level: "1", ial: "0", kid: "k", issuedAt: 1, expiresAt: 2),
                event: AuditEvent(id: "e", orgID: nil, type: "t", actor: "a", subject: nil, details: nil, createdAt: 1)
            )
            await #expect(throws: InMemoryStoreError.self) { _ = try await store.insertBadges([entry]) }
            // Reading the committed state is fine.
            #expect(try await store.organization(named: "x") == nil)
        }
    }

    @Test func aTransactionHandleIsDeadAfterItsTransaction() async throws {
        let store = InMemoryStore()
        let tx = try await store.inTransaction { tx in tx }
        await #expect(throws: InMemoryStoreError.transactionClosed) { try await tx.insertOrganization(Self.org()) }
        await #expect(throws: InMemoryStoreError.transactionClosed) { _ = try await tx.organization(id: "x") }
    }

    @Test func rowsMustNameAnExistingOrganisation() async throws {
        let store = InMemoryStore()
        await #expect(throws: InMemoryStoreError.foreignKeyViolation(constraint: "agents.org_id")) {
            try await store.insertAgent(Agent(id: "a", orgID: "nope", name: "n", createdAt: 1, updatedAt: 1))
        }
        await #expect(throws: InMemoryStoreError.foreignKeyViolation(constraint: "api_keys.org_id")) {
            try await store.insertAPIKey(APIKeyRecord(id: "k", orgID: "nope", name: "n", prefix: "p", hash: "h", scopes: [], createdAt: 1))
        }
        await #expect(throws: InMemoryStoreError.foreignKeyViolation(constraint: "memberships.org_id")) {
            try await store.upsertMembership(Membership(orgID: "nope", userID: "u", role: .admin, createdAt: 1, updatedAt: 1))
        }
    }
}
