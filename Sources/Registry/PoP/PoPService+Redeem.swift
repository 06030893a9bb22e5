import BadgeCore
import Foundation

extension PoPService {
    /// Phase 2: checks `proofJWS` against challenge `challengeID` for `routeDID` — RFC-003
    /// §5.2.2's 24 checks in order, first failure wins — and issues an IAL-1 badge.
    /// Badge parameters come only from the challenge record.
    public func redeem(routeDID: String, challengeID: String?, proofJWS: String?, clientIP: String?) async throws -> IssuedBadge {
        // A DID in failed-proof cooldown takes no proofs until the window ends. Only failures on
        // a real challenge issued for this DID count, so nobody without one can start it.
        try await checkCooldown(routeDID)
        var bound: ChallengeRecord?
        do {
            return try await checkAndIssue(routeDID: routeDID, challengeID: challengeID, proofJWS: proofJWS, bound: &bound)
        } catch let error as RegistryError {
            if error.category == .rateLimited { throw error }
            if [ErrorCode.kidNotFound, .keyNotInAuthentication, .proofVerificationFailed].contains(error.code) {
                // A document that failed a proof may be stale: fetch it afresh next time.
                (badges.remoteDIDResolver as? any DIDCacheInvalidating)?.invalidate(routeDID)
            }
            if bound != nil {
                _ = try? await limiter.hit("pop:failed:did:\(routeDID)", RateLimit(limit: Int.max, windowSeconds: policy.failedProofsPerDID.windowSeconds))
            }
            let owner = try? await store.agent(did: routeDID)
            try? await store.appendEvent(.make(
                "pop.proof.failed", orgID: owner?.orgID, actor: clientIP.map { "ip:\($0)" } ?? "anonymous", subject: challengeID,
                agentID: owner?.id, details: ["did": .string(routeDID), "error": .string(error.code.rawValue)], at: clock.now()
            ))
            throw error
        }
    }

    /// `bound` is set once the challenge is known to exist and to be for `routeDID` (step 3).
    private func checkAndIssue(routeDID: String, challengeID: String?, proofJWS: String?, bound: inout ChallengeRecord?) async throws -> IssuedBadge {
        let now = clock.now()
        // 1. Challenge id syntax.
        guard let challengeID, challengeID.hasPrefix("ch-"), UUID(uuidString: String(challengeID.dropFirst(3))) != nil else {
            throw PoPError.bad(.invalidChallengeID, "challenge_id must be ch- followed by a UUID")
        }
        // 2. Exists.
        guard let challenge = try await store.challenge(id: challengeID) else {
            throw RegistryError(.challengeNotFound, "no such challenge")
        }
        // 3. Bound to this DID.
        guard challenge.did == routeDID else { throw PoPError.denied(.subjectMismatch, "the challenge was issued for another DID") }
        // Throttle per DID and per account only now: a made-up or foreign challenge id spends
        // neither the owner's budget nor its cooldown.
        _ = try await limiter.hit("pop:proof:did:\(routeDID)", policy.proofsPerDID)
        _ = try await limiter.hit("pop:proof:account:\(challenge.orgID)", policy.proofsPerAccount)
        bound = challenge
        // 4. Unused.
        guard !challenge.used else { throw PoPError.denied(.challengeUsed, "the challenge has already been used") }
        // 5. Unexpired.
        guard challenge.expiresAt > now else { throw PoPError.denied(.challengeExpired, "the challenge has expired") }
        // 6. A compact JWS.
        guard let proofJWS, !proofJWS.isEmpty else { throw PoPError.bad(.invalidProof, "proof_jws is required") }
        let jws: CompactJWS
        do {
            jws = try CompactJWS.parse(proofJWS)
        } catch {
            // CONTRACT.md §4.5.2 row 6: not a 3-part compact JWS → invalid_proof; a 3-part JWS whose
            // header is base64url but not a JSON object → invalid_proof_header.
            let parts = proofJWS.split(separator: ".", omittingEmptySubsequences: false)
            let headerBytes = parts.count == 3 ? Base64URL.decode(String(parts[0])) : nil
            let unparseableHeader = headerBytes.map { (try? JSONValue.parse($0))?.objectValue == nil } ?? false
            throw PoPError.bad(unparseableHeader ? .invalidProofHeader : .invalidProof, "proof_jws is not a compact JWS (\(error.message))")
        }
        // 7. Header.
        guard jws.header["typ"]?.stringValue == "pop+jwt" else { throw PoPError.bad(.invalidProof, "proof typ must be pop+jwt") }
        guard jws.header["alg"]?.stringValue == "EdDSA" else { throw PoPError.bad(.invalidProof, "proof alg must be EdDSA") }
        let claims = jws.payload
        // 8. cid.
        guard let cid = claims["cid"]?.stringValue else { throw PoPError.bad(.missingCID, "proof has no cid") }
        guard cid == challenge.id else { throw PoPError.denied(.cidMismatch, "proof cid does not name this challenge") }
        // 9. nonce, compared as a string.
        guard claims["nonce"]?.stringValue == challenge.nonce else { throw PoPError.bad(.invalidProof, "proof nonce does not match") }
        // 10. aud.
        guard Self.audience(claims["aud"], contains: challenge.proofAudience) else {
            throw PoPError.denied(.audienceMismatch, "proof aud must be \(challenge.proofAudience)")
        }
        // 11. htu, byte for byte against the stored value — never the URL this request used.
        guard claims["htu"]?.stringValue == challenge.htu else { throw PoPError.denied(.htuMismatch, "proof htu does not match the challenge") }
        // 12. htm.
        guard claims["htm"]?.stringValue == "POST" else { throw PoPError.bad(.invalidProof, "proof htm must be POST") }
        // 13–15. iat within the challenge's life, with skew.
        guard let iat = claims["iat"]?.intValue else { throw PoPError.denied(.iatInvalid, "proof iat must be an integer") }
        guard iat <= now + policy.clockSkew else { throw PoPError.denied(.iatInvalid, "proof iat is in the future") }
        guard iat >= challenge.createdAt - policy.clockSkew else { throw PoPError.denied(.iatInvalid, "proof iat predates the challenge") }
        guard iat <= challenge.expiresAt else { throw PoPError.denied(.iatInvalid, "proof iat is after the challenge expired") }
        // 16–18. exp: short, unexpired, inside the challenge window.
        guard let exp = claims["exp"]?.intValue else { throw PoPError.bad(.missingExp, "proof has no integer exp") }
        guard exp <= iat + policy.maxProofLifetime else { throw PoPError.denied(.expTooLong, "proof lifetime exceeds \(policy.maxProofLifetime) s") }
        guard exp > now else { throw PoPError.denied(.proofExpired, "proof has expired") }
        guard exp <= challenge.expiresAt else { throw PoPError.denied(.expOutsideChallengeWindow, "proof outlives the challenge") }
        // 19. sub.
        guard claims["sub"]?.stringValue == routeDID else { throw PoPError.denied(.subjectMismatch, "proof sub must be the DID") }
        // 20. DID document.
        let document: DIDDocument
        do {
            document = try await badges.didResolver.resolve(routeDID)
        } catch let error as RegistryError where error.category == .badGateway || error.code == .didDocumentInvalid {
            throw error
        } catch {
            throw RegistryError(.didResolutionFailed, "the DID document could not be resolved")
        }
        // 21. kid names a verification method.
        guard let kid = jws.header["kid"]?.stringValue, let method = document.method(withID: kid) else {
            throw PoPError.denied(.kidNotFound, "proof kid is not a verification method of the DID document")
        }
        // 22. …listed for authentication (exact match, fragment kept, no query).
        guard !kid.contains("?"), document.isAuthentication(kid) else {
            throw PoPError.denied(.keyNotInAuthentication, "proof kid is not an authentication method")
        }
        // 23. Signature.
        guard jws.signature.count == 64 else { throw PoPError.bad(.invalidProofSignature, "an Ed25519 signature is 64 bytes") }
        guard let key = method.publicKey, jws.verify(with: key) else {
            throw PoPError.denied(.proofVerificationFailed, "the proof signature does not verify with that key")
        }
        // Proof jti replay (RFC-002 §7.2.5 step 14 retention rule).
        guard let jti = claims["jti"]?.stringValue, !jti.isEmpty, jti.utf8.count <= 200 else {
            throw PoPError.bad(.invalidProof, "proof jti is required")
        }
        let retention = Swift.max(policy.minJTIRetention, exp - iat)
        guard try await store.rememberProofJTI(jti, expiresAt: now + retention, now: now) else {
            throw PoPError.denied(.proofReplayed, "this proof jti has been used")
        }
        // 24. Consume atomically: of concurrent submissions exactly one passes.
        guard try await store.consumeChallenge(id: challenge.id, at: now) else {
            throw PoPError.denied(.challengeUsed, "the challenge has already been used")
        }
        return try await issue(challenge: challenge, key: key, kid: kid)
    }

    /// `aud` as a string equal to `expected`, or an array containing it.
    static func audience(_ value: JSONValue?, contains expected: String) -> Bool {
        switch value {
        case .string(let text)?: return text == expected
        case .array(let items)?: return items.contains(.string(expected))
        default: return false
        }
    }

    private func issue(challenge: ChallengeRecord, key: PublicJWK, kid: String) async throws -> IssuedBadge {
        guard let agent = try await store.agent(id: challenge.agentID), agent.status.isUsable else {
            throw RegistryError(.agentDisabled, "the agent is no longer active")
        }
        let signer = try await badges.ca.activeSigner()
        let rate = try await badges.spendIssuance(agentID: agent.id)
        let now = clock.now()
        let level = TrustLevel(rawValue: agent.trustLevel) ?? .registered
        let claims = BadgeClaims(
            jti: UUID().uuidString.lowercased(), iss: issuer.origin, sub: challenge.did,
            aud: challenge.badgeAudience.isEmpty ? nil : challenge.badgeAudience, iat: now, exp: now + challenge.badgeTTL,
            ial: "1", key: key, cnfKID: kid, level: level, domain: agent.domain, issuanceProfile: "registered",
            popChallengeID: challenge.id
        )
        let (token, signingKID) = try await badges.sign(claims, with: signer)
        let record = BadgeRecord(
            jti: claims.jti, orgID: challenge.orgID, agentID: agent.id, subject: claims.sub, level: level.rawValue, ial: "1",
            kid: signingKID, issuedAt: now, expiresAt: claims.exp, audience: challenge.badgeAudience
        )
        let event = AuditEvent.make(
            "badge.issued", orgID: challenge.orgID, actor: "proof:\(challenge.did)", subject: claims.jti, agentID: agent.id,
            details: ["level": .string(level.rawValue), "ial": "1", "challenge_id": .string(challenge.id), "cnf_kid": .string(kid)], at: now
        )
        let logIndex = try await badges.commit(record, token: token, event: event) { tx in
            try await tx.recordIssuedBadge(challengeID: challenge.id, jti: claims.jti)
        }
        return IssuedBadge(token: token, claims: claims, rateLimit: rate, logIndex: logIndex)
    }
}
