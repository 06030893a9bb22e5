/// How fresh a read must be. A store may answer `.recent` reads from reads it made a moment ago
/// (and forgets them when it writes the row itself); `.current` always reads.
public enum ReadFreshness: Sendable, Equatable {
    /// Read now: for decisions nothing re-checks.
    case current
    /// A read made at most `maxAge` seconds before `now` (the caller's clock) will do: for callers
    /// that re-check what they act on (issuance re-checks key and agent in the ledger transaction)
    /// or publish with a longer cache lifetime anyway (`did.json`). `maxAge: 0` asks for a new
    /// read that replaces what the store remembered.
    case recent(maxAge: Int64, now: Int64)
}
