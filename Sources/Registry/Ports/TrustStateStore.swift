/// Storage port for the trust-state sequence and its journal (issue #14), and the reads that
/// rebuild the trust state at a journaled sequence. One of the ports `StoreTransaction` unites.
public protocol TrustStateStore: Sendable {
    /// Journals `changes` under the next sequence number, in the caller's transaction, and raises
    /// the cutoff to `at` when that is later. No gaps, no duplicates, also across processes on one
    /// database (the counter row stays locked until the transaction ends). Returns the new sequence.
    @discardableResult
    func recordTrustChanges(_ changes: [TrustChange], at: Int64) async throws -> TrustSequence
    /// For a database whose journal is empty (sequence 0, it predates the journal): journals, in
    /// the caller's transaction, the current state of what the journal tracks — every active or
    /// retired CA key, every disabled or suspended agent, and as `deleted` (at 0) every agent id
    /// that unexpired badges at `at` name but no agent row has. Nil, changing nothing, when the
    /// sequence is not 0 or there is nothing to journal.
    func recordTrustBaseline(at: Int64) async throws -> TrustSequence?
    /// The current sequence (0, cutoff 0, before the first change).
    func trustSequence() async throws -> TrustSequence
    /// Journal entries with `from <= sequence <= through`, by sequence, then kind and ref.
    func trustJournal(from: Int64, through: Int64) async throws -> [TrustJournalEntry]
    /// The latest journaled change of each agent and each CA key with sequence `<= through`.
    func latestTrustStatuses(through: Int64) async throws -> [TrustChange]
    /// Revoked badges that expire after `cutoff`, except those revoked by a change journaled after
    /// `through` (badges revoked before the journal began count as revoked at 0), by jti.
    func revokedBadges(through: Int64, expiringAfter cutoff: Int64) async throws -> [BadgeRecord]
    /// The distinct subjects of badges issued to `agentIDs` at or before `cutoff` that expire after
    /// it, by agent id.
    func badgeSubjects(agentIDs: [String], at cutoff: Int64) async throws -> [String: Set<String>]
    /// Per kid among `kids`: the latest expiry of its badges issued at or before `cutoff` that
    /// expire after it (kids without such badges are left out).
    func latestBadgeExpiry(kids: [String], at cutoff: Int64) async throws -> [String: Int64]
}
