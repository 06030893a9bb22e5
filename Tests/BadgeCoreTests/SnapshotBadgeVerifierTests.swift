import Testing
@testable import BadgeCore

/// RFC-002 §8.1 against a snapshot: revocation, inactive subjects, key use both ways, and the
/// "unknown" rule at every level.
@Suite struct SnapshotBadgeVerifierTests {
    static func verifier(_ snapshot: TrustSnapshot = SnapshotFixture.snapshot(), maxStaleness: Int64 = 300) -> SnapshotBadgeVerifier {
        SnapshotBadgeVerifier(snapshot: snapshot, snapshotKeys: [SnapshotFixture.key.publicKey], maxStaleness: maxStaleness)
    }

    /// The failure code, or nil with the warnings when accepted.
    static func outcome(
        _ token: String, _ verifier: SnapshotBadgeVerifier = verifier(), now: Int64 = Fixture.now
    ) async -> (code: String?, warnings: [String]) {
        do {
            let result = try await verifier.verify(token, now: now, audience: nil)
            return (nil, result.warnings)
        } catch {
            return (error.code, [])
        }
    }

    @Test("a badge under an active or unexpired retiring key verifies with no warning")
    func accepts() async throws {
        let token = try await Fixture.token(Fixture.claims())
        let result = try await Self.verifier().verify(token, now: Fixture.now, audience: nil)
        #expect(result.claims.jti == Fixture.claims().jti)
        #expect(result.warnings.isEmpty)
        let header: JSONValue = ["alg": "EdDSA", "typ": "JWT", "kid": .string(SnapshotFixture.retired.kid!)]
        let byRetired = try await Fixture.token(Fixture.claims().json, header: header, key: SnapshotFixture.retired)
        #expect(await Self.outcome(byRetired).code == nil)
        // After `until` the retiring key no longer verifies anything.
        let pastUntil = Self.verifier(SnapshotFixture.snapshot(retiredUntil: Fixture.now))
        #expect(await Self.outcome(byRetired, pastUntil).code == "BADGE_ISSUER_UNTRUSTED")
    }

    @Test("listed jti → BADGE_REVOKED; listed subject → BADGE_AGENT_DISABLED")
    func statusLists() async throws {
        let claims = Fixture.claims()
        let revoked = SnapshotFixture.snapshot(revoked: [RevokedBadge(jti: claims.jti, exp: claims.exp, revokedAt: Fixture.now - 100)])
        let token = try await Fixture.token(claims)
        #expect(await Self.outcome(token, Self.verifier(revoked)).code == "BADGE_REVOKED")
        for status in InactiveSubject.Status.allCases {
            let inactive = SnapshotFixture.snapshot(inactive: [InactiveSubject(did: claims.sub, status: status, since: Fixture.now - 50)])
            #expect(await Self.outcome(token, Self.verifier(inactive)).code == "BADGE_AGENT_DISABLED")
        }
        // A listed revocation is final even when the snapshot is too old to vouch for anything.
        let staleRevoked = Self.verifier(revoked, maxStaleness: 10)
        #expect(await Self.outcome(token, staleRevoked).code == "BADGE_REVOKED")
    }

    @Test("an expired snapshot verifies nothing → SNAPSHOT_EXPIRED")
    func expiredSnapshot() async throws {
        let token = try await Fixture.token(Fixture.claims())
        #expect(await Self.outcome(token, now: Fixture.now + 590).code == "SNAPSHOT_EXPIRED")
    }

    @Test("a badge signed by the snapshot key is refused, even if the snapshot listed that key")
    func snapshotKeyCannotSignBadges() async throws {
        let header: JSONValue = ["alg": "EdDSA", "typ": "JWT", "kid": .string(SnapshotFixture.key.kid!)]
        let token = try await Fixture.token(Fixture.claims().json, header: header, key: SnapshotFixture.key)
        #expect(await Self.outcome(token).code == "BADGE_ISSUER_UNTRUSTED")
        var listing = SnapshotFixture.snapshot()
        listing = TrustSnapshot(
            iss: listing.iss, sequence: listing.sequence, iat: listing.iat, exp: listing.exp, coveredUntil: listing.coveredUntil,
            keys: listing.keys + [SnapshotKey(kid: SnapshotFixture.key.kid!, state: .active, key: SnapshotFixture.key.publicKey)],
            revoked: listing.revoked, inactive: listing.inactive)
        #expect(await Self.outcome(token, Self.verifier(listing)).code == "BADGE_ISSUER_UNTRUSTED")
        // Under the CA's kid, the snapshot key's signature fails.
        let underCAKid = try await Fixture.token(Fixture.claims().json, key: SnapshotFixture.key)
        #expect(await Self.outcome(underCAKid).code == "BADGE_SIGNATURE_INVALID")
    }

    @Test("a badge of another issuer is untrusted")
    func otherIssuer() async throws {
        var claims = Fixture.claims()
        claims.iss = "https://other.invalid"
        #expect(await Self.outcome(try await Fixture.token(claims)).code == "BADGE_ISSUER_UNTRUSTED")
    }

    @Test("issued after covered_until: levels 2–4 fail REVOCATION_CHECK_FAILED, levels 0–1 pass with a warning",
          arguments: TrustLevel.allCases)
    func unknownByCoverage(_ level: TrustLevel) async throws {
        let token = try await Fixture.token(Fixture.claims(level: level))
        let covering = Self.verifier(SnapshotFixture.snapshot(coveredUntil: Fixture.now - 10))
        let outcome = await Self.outcome(token, covering)
        #expect(outcome.code == nil && outcome.warnings.isEmpty, "badge iat = covered_until is covered")
        let behind = Self.verifier(SnapshotFixture.snapshot(coveredUntil: Fixture.now - 11))
        let unknown = await Self.outcome(token, behind)
        if level >= .domainValidated {
            #expect(unknown.code == "REVOCATION_CHECK_FAILED")
        } else {
            #expect(unknown.code == nil)
            #expect(unknown.warnings.count == 1 && unknown.warnings[0].contains("unknown"))
        }
    }

    @Test("snapshot older than max-staleness but unexpired: levels 2–4 fail, levels 0–1 warn",
          arguments: TrustLevel.allCases)
    func unknownByStaleness(_ level: TrustLevel) async throws {
        let token = try await Fixture.token(Fixture.claims(level: level))
        let snapshot = SnapshotFixture.snapshot(iat: Fixture.now - 400, coveredUntil: Fixture.now)
        #expect(await Self.outcome(token, Self.verifier(snapshot, maxStaleness: 400)).warnings.isEmpty)
        let stale = await Self.outcome(token, Self.verifier(snapshot))
        if level >= .domainValidated {
            #expect(stale.code == "REVOCATION_CHECK_FAILED")
        } else {
            #expect(stale.code == nil)
            #expect(stale.warnings.first?.contains("400 s old") == true)
        }
    }

    @Test("REVOCATION_CHECK_FAILED from the unknown rule says the signature verified")
    func unknownAfterSignature() async throws {
        let token = try await Fixture.token(Fixture.claims(level: .extended))
        do {
            _ = try await Self.verifier(maxStaleness: 1).verify(token, now: Fixture.now, audience: nil)
            Issue.record("accepted")
        } catch {
            guard case .badge(let badge) = error else { Issue.record("\(error)"); return }
            #expect(badge.signatureVerified)
        }
    }
}
