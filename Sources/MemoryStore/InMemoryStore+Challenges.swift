import Registry

extension MemoryQueries {
    public func insertChallenge(_ challenge: ChallengeRecord) async throws {
        try await memory.write { state in
            try state.unique("pop_challenges.challenge_id", state.challenges[challenge.id] != nil)
            state.challenges[challenge.id] = challenge
        }
    }

    public func challenge(id: String) async throws -> ChallengeRecord? {
        try await memory.read { $0.challenges[id] }
    }

    public func consumeChallenge(id: String, at: Int64) async throws -> Bool {
        try await memory.write { state in
            guard var challenge = state.challenges[id], !challenge.used else { return false }
            challenge.used = true
            challenge.usedAt = at
            state.challenges[id] = challenge
            return true
        }
    }

    public func recordIssuedBadge(challengeID: String, jti: String) async throws {
        try await memory.write { state in state.challenges[challengeID]?.issuedBadgeJTI = jti }
    }

    /// Inserts the jti, or takes over a row whose retention lapsed (`expires_at <= now`).
    public func rememberProofJTI(_ jti: String, expiresAt: Int64, now: Int64) async throws -> Bool {
        try await memory.write { state in
            if let retainedUntil = state.proofJTIs[jti], retainedUntil > now { return false }
            state.proofJTIs[jti] = expiresAt
            return true
        }
    }

    public func purgeExpiredChallenges(before: Int64) async throws -> Int {
        try await memory.write { state in
            let challenges = state.challenges.values.filter { $0.expiresAt < before }.map(\.id)
            let jtis = state.proofJTIs.filter { $0.value < before }.map(\.key)
            for id in challenges { state.challenges[id] = nil }
            for jti in jtis { state.proofJTIs[jti] = nil }
            return challenges.count + jtis.count
        }
    }
}
