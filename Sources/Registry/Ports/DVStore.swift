/// Storage for domain validation: orders and the grants finalize issues. One of the ports `StoreTransaction` unites.
public protocol DVStore: Sendable {
    /// Throws `StoreError.uniqueViolation` if the id or token is taken.
    func insertDVOrder(_ order: DVOrder) async throws
    func dvOrder(id: String) async throws -> DVOrder?
    /// Writes status, attempts, finalisation and evidence of the order with this id, only if its
    /// stored status is still `expectedStatus`. False when another writer got there first.
    func updateDVOrder(_ order: DVOrder, expectedStatus: DVOrder.Status) async throws -> Bool
    /// Pending orders not yet expired at `now` for `domain`.
    func countOutstandingDVOrders(domain: String, now: Int64) async throws -> Int
    /// Pending orders not yet expired at `now` created from `clientIP`.
    func countOutstandingDVOrders(clientIP: String, now: Int64) async throws -> Int

    /// The organisation's orders, newest first (`created_at`, then id, descending); only those
    /// after `before` in that order when given; at most `limit`.
    func dvOrders(orgID: String, before: PageCursor?, limit: Int) async throws -> [DVOrder]

    /// Records `grant` and, when given, its transparency log entry (as `insertBadge` does); returns
    /// the entry's index.
    func insertDVGrant(_ grant: DVGrant, logEntry: LogEntryRecord?) async throws -> Int64?
    func dvGrant(jti: String) async throws -> DVGrant?
    /// The organisation's grants, newest first (`issued_at`, then jti, descending); only those
    /// after `before` in that order when given (its `createdAt` is an issue time, `id` a jti); at most `limit`.
    func dvGrants(orgID: String, before: PageCursor?, limit: Int) async throws -> [DVGrant]
    /// Grants for exactly `domain` that are unrevoked and unexpired at `now`.
    func activeDVGrants(domain: String, now: Int64) async throws -> [DVGrant]
    /// Sets `revoked_at` if unset; false when the grant is unknown or already revoked.
    func revokeDVGrant(jti: String, at: Int64) async throws -> Bool

    /// Records that badge `jti` (already in the badge ledger, same transaction) was minted from
    /// grant `grantJTI` for `subject`; `agentSegment` is the path segment after `agents`, if any.
    func insertMintedBadge(jti: String, subject: String, agentSegment: String?, grantJTI: String, expiresAt: Int64) async throws
    /// A minted badge subject equal to `subject` whose badge is unexpired and unrevoked at `now`.
    func liveMintedSubject(subject: String, now: Int64) async throws -> String?
    /// Minted badge subjects whose segment after `agents` is `agentSegment`, with badges unexpired
    /// and unrevoked at `now`, ordered by subject.
    func liveMintedSubjects(agentSegment: String, now: Int64) async throws -> [String]
}

extension DVStore {
    /// Records `grant` with no log entry.
    public func insertDVGrant(_ grant: DVGrant) async throws {
        _ = try await insertDVGrant(grant, logEntry: nil)
    }
}
