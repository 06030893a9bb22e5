import BadgeCore
import Registry

extension SQLQueries {
    public func insertChallenge(_ c: ChallengeRecord) async throws {
        try await executor.query(
            """
            INSERT INTO pop_challenges (challenge_id, nonce, did, agent_id, org_id, badge_aud, badge_ttl, proof_aud, htu,
                created_at, expires_at, used, used_at, issued_badge_jti, client_ip)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
            """,
            [
                .text(c.id), .text(c.nonce), .text(c.did), .text(c.agentID), .text(c.orgID),
                .text(Self.audienceText(c.badgeAudience)), .int(c.badgeTTL), .text(c.proofAudience), .text(c.htu),
                .int(c.createdAt), .int(c.expiresAt), .int(c.used ? 1 : 0), .optional(c.usedAt), .optional(c.issuedBadgeJTI),
                .optional(c.clientIP),
            ]
        )
    }

    public func challenge(id: String) async throws -> ChallengeRecord? {
        guard let row = try await executor.query("SELECT * FROM pop_challenges WHERE challenge_id = $1", [.text(id)]).first else { return nil }
        return ChallengeRecord(
            id: try row.string("challenge_id"), nonce: try row.string("nonce"), did: try row.string("did"),
            agentID: try row.string("agent_id"), orgID: try row.string("org_id"),
            badgeAudience: try Self.audience(fromText: try row.string("badge_aud")), badgeTTL: try row.int("badge_ttl"),
            proofAudience: try row.string("proof_aud"), htu: try row.string("htu"), createdAt: try row.int("created_at"),
            expiresAt: try row.int("expires_at"), used: try row.int("used") != 0, usedAt: try row.optionalInt("used_at"),
            issuedBadgeJTI: try row.optionalString("issued_badge_jti"), clientIP: try row.optionalString("client_ip")
        )
    }

    public func consumeChallenge(id: String, at: Int64) async throws -> Bool {
        !(try await executor.query(
            "UPDATE pop_challenges SET used = 1, used_at = $2 WHERE challenge_id = $1 AND used = 0 RETURNING challenge_id",
            [.text(id), .int(at)]
        )).isEmpty
    }

    public func recordIssuedBadge(challengeID: String, jti: String) async throws {
        try await executor.query("UPDATE pop_challenges SET issued_badge_jti = $2 WHERE challenge_id = $1", [.text(challengeID), .text(jti)])
    }

    public func rememberProofJTI(_ jti: String, expiresAt: Int64, now: Int64) async throws -> Bool {
        // Insert, or take over a row whose retention has lapsed; a live row makes this a no-op,
        // and RETURNING then yields nothing.
        !(try await executor.query(
            """
            INSERT INTO proof_jtis (jti, expires_at) VALUES ($1, $2)
            ON CONFLICT (jti) DO UPDATE SET expires_at = excluded.expires_at WHERE proof_jtis.expires_at <= $3
            RETURNING jti
            """,
            [.text(jti), .int(expiresAt), .int(now)]
        )).isEmpty
    }

    public func purgeExpiredChallenges(before: Int64) async throws -> Int {
        let challenges = try await executor.query("DELETE FROM pop_challenges WHERE expires_at < $1 RETURNING challenge_id", [.int(before)])
        let jtis = try await executor.query("DELETE FROM proof_jtis WHERE expires_at < $1 RETURNING jti", [.int(before)])
        return challenges.count + jtis.count
    }
}
