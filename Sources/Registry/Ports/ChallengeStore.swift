/// Storage for proof-of-possession issuance (RFC-003). One of the ports `StoreTransaction` unites.
public protocol ChallengeStore: Sendable {
    func insertChallenge(_ challenge: ChallengeRecord) async throws
    func challenge(id: String) async throws -> ChallengeRecord?
    /// Flips `used` false → true in one conditional write. Exactly one caller, across every
    /// process, gets true for a challenge; everyone else gets false.
    func consumeChallenge(id: String, at: Int64) async throws -> Bool
    /// Links the badge issued for a consumed challenge.
    func recordIssuedBadge(challengeID: String, jti: String) async throws
    /// Remembers a proof `jti` until `expiresAt`. False when it is already remembered and not yet
    /// expired at `now` (a replay). Atomic across processes.
    func rememberProofJTI(_ jti: String, expiresAt: Int64, now: Int64) async throws -> Bool
    /// Deletes challenges that expired before `before` and forgotten proof jtis; returns how many rows went.
    func purgeExpiredChallenges(before: Int64) async throws -> Int
}
