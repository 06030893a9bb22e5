import BadgeCore
import Foundation
import MemoryStore
import Registry
import Testing

/// The DV order state machine (`DVService`): pending → valid (with a grant) | invalid | expired.
@Suite struct DVServiceTests {
    // MARK: Create

    @Test func ordersAreNormalisedTimedAndAudited() async throws {
        let world = try await World.make()
        let key = PrivateJWK.generate(kid: "agent")
        let http = try await world.order("Agent.Example.com", .http01, key: key)
        #expect(http.domain == "agent.example.com" && http.challengeType == .http01 && http.status == .pending)
        #expect(http.token.count == 43 && http.thumbprint == key.publicKey.thumbprint() && http.failedAttempts == 0)
        #expect(http.orgID == nil && http.clientIP == "198.51.100.1")
        #expect(http.createdAt == TestClock.start && http.expiresAt == TestClock.start + 600)
        #expect(http.id == http.id.lowercased() && UUID(uuidString: http.id) != nil)
        #expect(try await world.dv.order(id: http.id.uppercased()) == http)

        let tenant = try await world.tenant()
        let dns = try await world.order("dns.example.com", .dns01, key: key, by: tenant)
        #expect(dns.orgID == tenant.org.id && dns.expiresAt - dns.createdAt == 1800 && dns.token != http.token)
        let events = try await world.events("dv.order.created")
        #expect(events.map(\.subject) == [http.id, dns.id] || events.map(\.subject) == [dns.id, http.id])
        #expect(events.first { $0.subject == dns.id }?.actor == "apikey:\(tenant.key.id)")
        #expect(events.first { $0.subject == http.id }?.actor == "anonymous")
    }

    @Test(arguments: ["http://a.example.com", "a.example.com:80", "a.example.com/x", "*.example.com", "a.example.com.", "192.0.2.1",
                      "localhost", "bücher.example", "-a.example.com", "", String(repeating: "a", count: 64) + ".example.com"])
    func malformedDomainsAreRefused(domain: String) async throws {
        let world = try await World.make()
        await expectError("INVALID_DOMAIN", kind: .invalidInput) { _ = try await world.order(domain, key: .generate(kid: "k")) }
    }

    @Test func unknownChallengeTypesAreRefused() async throws {
        let world = try await World.make()
        await expectError("UNSUPPORTED_CHALLENGE", kind: .invalidInput) {
            _ = try await world.dv.createOrder(nil, DVService.OrderRequest(domain: "a.example.com", challengeType: "tls-alpn-01", key: PrivateJWK.generate(kid: "k").publicKey), clientIP: nil)
        }
    }

    @Test func atMostFiveOutstandingOrdersPerDomainUntilOneIsFinalizedOrExpires() async throws {
        let world = try await World.make()
        let key = PrivateJWK.generate(kid: "agent")
        var orders: [DVOrder] = []
        for n in 0..<5 { orders.append(try await world.order("busy.example.com", .http01, key: key, clientIP: "198.51.100.\(n)")) }
        let status = await expectRateLimited("RATE_LIMIT_EXCEEDED") { _ = try await world.order("busy.example.com", .http01, key: key, clientIP: "203.0.113.9") }
        #expect(Standing(status) == Standing(limit: 5, remaining: 0, resetAt: world.clock.now() + 60, retryAfter: 60))
        // Another domain is not affected.
        _ = try await world.order("calm.example.com", .http01, key: key)
        // A valid order is no longer outstanding.
        _ = try await world.validate(orders[0])
        _ = try await world.order("busy.example.com", .dns01, key: key)
        await expectRateLimited("RATE_LIMIT_EXCEEDED") { _ = try await world.order("busy.example.com", .http01, key: key) }
        // Expired http-01 orders stop counting at their expiry second.
        world.clock.set(orders[4].expiresAt - 1)
        await expectRateLimited("RATE_LIMIT_EXCEEDED") { _ = try await world.order("busy.example.com", .http01, key: key) }
        world.clock.set(orders[4].expiresAt)
        for _ in 0..<4 { _ = try await world.order("busy.example.com", .http01, key: key, clientIP: nil) }
        await expectRateLimited("RATE_LIMIT_EXCEEDED") { _ = try await world.order("busy.example.com", .http01, key: key, clientIP: nil) }
    }

    @Test func atMostTwentyOutstandingOrdersPerClientAddress() async throws {
        let world = try await World.make()
        let key = PrivateJWK.generate(kid: "agent")
        for n in 0..<20 { _ = try await world.order("d\(n).example.com", key: key, clientIP: "203.0.113.5") }
        await expectRateLimited("RATE_LIMIT_EXCEEDED") { _ = try await world.order("d20.example.com", key: key, clientIP: "203.0.113.5") }
        _ = try await world.order("d20.example.com", key: key, clientIP: "203.0.113.6")
        // Without a client address only the per-domain rule applies.
        _ = try await world.order("d21.example.com", key: key, clientIP: nil)
    }

    // MARK: Finalize

    @Test func aPassingCheckMakesTheOrderValidAndIssuesAGrantOnce() async throws {
        let world = try await World.make()
        let tenant = try await world.tenant()
        let agentKey = PrivateJWK.generate(kid: "agent")
        let agent = try await world.keyedAgent(tenant, domain: "agent.example.com")
        await expectError("DOMAIN_NOT_VERIFIED", kind: .forbidden) {
            _ = try await world.badges.issueIAL0(tenant.principal, agent.id, IAL0Request(level: .domainValidated))
        }
        let order = try await world.order("agent.example.com", .http01, key: agentKey, by: tenant)
        world.clock.advance(7)
        let (valid, grant) = try await world.validate(order, by: tenant)
        let now = world.clock.now()
        #expect(valid.status == .valid && valid.finalizedAt == now && valid.validatedAt == now && valid.grantJTI == grant.jti)
        #expect(valid.validatedVia == "http-01" && valid.validatedTarget == "http://agent.example.com/.well-known/capiscio-challenge/\(order.token)")
        #expect(try await world.store.dvOrder(id: order.id) == valid)
        #expect(grant.jti.hasPrefix("grant-") && grant.domain == "agent.example.com" && grant.thumbprint == agentKey.publicKey.thumbprint())
        #expect(grant.orgID == tenant.org.id && grant.orderID == order.id && grant.issuedAt == now && grant.expiresAt == now + 90 * 86_400)
        #expect(try await world.store.dvGrant(jti: grant.jti) == grant)
        // Logged in the same transaction; the answer carries its index.
        let logged = try await world.store.logEntries(jti: grant.jti)
        #expect(logged.count == 1 && grant.logIndex == logged.first?.index)

        // The grant is a CA-signed JWS with the §5.3 claims.
        let jws = try CompactJWS.parse(grant.token)
        #expect(jws.header["typ"] == "capiscio.dvgrant+jwt" && jws.header["kid"] == .string(World.caKID))
        #expect(jws.verify(with: world.caKey.publicKey))
        let claims = jws.payload
        #expect(claims["sub"] == "agent.example.com" && claims["aud"] == "capiscio:mint" && claims["iss"] == .string(World.origin))
        #expect(claims["cnf"]?["jkt"] == .string(agentKey.publicKey.thumbprint()) && claims["jti"] == .string(grant.jti))
        #expect(claims["iat"] == .int(now) && claims["exp"] == .int(now + 90 * 86_400))

        // Repeating finalize returns the stored grant without checking again.
        let checks = world.validator.checkCount
        let again = try await world.dv.finalize(id: order.id, principal: tenant.principal)
        #expect(again.grant == grant && again.order == valid && world.validator.checkCount == checks)
        #expect(try await world.events("dv.order.validated").map(\.subject) == [order.id])

        // The level-2 gate opens for this organisation on exactly this domain.
        #expect(try await DVService.isValidated("Agent.Example.com", orgID: tenant.org.id, store: world.store, now: now))
        let badge = try await world.badges.issueIAL0(tenant.principal, agent.id, IAL0Request(level: .domainValidated))
        #expect(badge.claims.level == .domainValidated && badge.claims.domain == "agent.example.com")
        let sibling = try await world.keyedAgent(tenant, domain: "other.example.com")
        await expectError("DOMAIN_NOT_VERIFIED") { _ = try await world.badges.issueIAL0(tenant.principal, sibling.id, IAL0Request(level: .domainValidated)) }
        let other = try await world.tenant()
        let foreign = try await world.keyedAgent(other, domain: "agent.example.com")
        await expectError("DOMAIN_NOT_VERIFIED") { _ = try await world.badges.issueIAL0(other.principal, foreign.id, IAL0Request(level: .domainValidated)) }
    }

    @Test func aMismatchFailsTheCheckAndLeavesTheOrderPending() async throws {
        let world = try await World.make()
        let key = PrivateJWK.generate(kid: "agent")
        let order = try await world.order("dns.example.com", .dns01, key: key)
        await expectError("CHALLENGE_FAILED", kind: .invalidInput) { _ = try await world.dv.finalize(id: order.id, principal: nil) }
        var stored = try #require(try await world.store.dvOrder(id: order.id))
        #expect(stored.status == .pending && stored.failedAttempts == 1 && stored.grantJTI == nil)
        // The bare token is refused (the compatibility switch is off); so is another key's thumbprint.
        world.validator.publish(order.token, at: "_capiscio-challenge.dns.example.com")
        await expectError("CHALLENGE_FAILED") { _ = try await world.dv.finalize(id: order.id, principal: nil) }
        world.validator.publish(order.token + "." + PrivateJWK.generate(kid: "x").publicKey.thumbprint(), at: "_capiscio-challenge.dns.example.com")
        await expectError("CHALLENGE_FAILED") { _ = try await world.dv.finalize(id: order.id, principal: nil) }
        stored = try #require(try await world.store.dvOrder(id: order.id))
        #expect(stored.status == .pending && stored.failedAttempts == 3)
        let failures = try await world.events("dv.challenge.failed")
        #expect(failures.count == 3 && failures.allSatisfy { $0.subject == order.id })
        #expect(try await world.store.activeDVGrants(domain: "dns.example.com", now: world.clock.now()).isEmpty)
        // Publishing the right content then validates, keeping the count of failures.
        let (valid, _) = try await world.validate(order)
        #expect(valid.status == .valid && valid.failedAttempts == 3)
    }

    @Test func theTenthFailureMakesTheOrderInvalidForGood() async throws {
        let world = try await World.make()
        let order = try await world.order("fail.example.com", key: .generate(kid: "k"))
        for attempt in 1...9 {
            await expectError("CHALLENGE_FAILED") { _ = try await world.dv.finalize(id: order.id, principal: nil) }
            #expect(try await world.dv.order(id: order.id).status == .pending, "after \(attempt) failures")
        }
        await expectError("CHALLENGE_FAILED") { _ = try await world.dv.finalize(id: order.id, principal: nil) }
        let invalid = try await world.dv.order(id: order.id)
        #expect(invalid.status == .invalid && invalid.failedAttempts == 10)
        // No further check is made, even once the content is right.
        world.validator.publish(for: order)
        await expectError("ORDER_INVALID", kind: .invalidInput) { _ = try await world.dv.finalize(id: order.id, principal: nil) }
        #expect(world.validator.checkCount == 10)
        #expect(try await world.store.countOutstandingDVOrders(domain: "fail.example.com", now: world.clock.now()) == 0)
    }

    @Test func anOrderExpiresAtItsExpirySecond() async throws {
        let world = try await World.make()
        let order = try await world.order("late.example.com", .http01, key: .generate(kid: "k"))
        world.validator.publish(for: order)
        world.clock.set(order.expiresAt - 1)
        #expect(try await world.dv.order(id: order.id).status == .pending)
        world.clock.set(order.expiresAt)
        #expect(try await world.dv.order(id: order.id).status == .expired)
        await expectError("ORDER_EXPIRED", kind: .invalidInput) { _ = try await world.dv.finalize(id: order.id, principal: nil) }
        #expect(world.validator.checkCount == 0)
        // Expiry is evaluated on read: the row itself still says pending.
        #expect(try await world.store.dvOrder(id: order.id)?.status == .pending)
    }

    @Test func keyedOrdersFinalizeOnlyWithAKeyOfTheirOrganisation() async throws {
        let world = try await World.make()
        let owner = try await world.tenant()
        let stranger = try await world.tenant()
        let order = try await world.order("owned.example.com", key: .generate(kid: "k"), by: owner)
        world.validator.publish(for: order)
        await expectError("unauthorized", kind: .unauthorized) { _ = try await world.dv.finalize(id: order.id, principal: nil) }
        await expectError("FORBIDDEN", kind: .forbidden) { _ = try await world.dv.finalize(id: order.id, principal: stranger.principal) }
        #expect(world.validator.checkCount == 0)
        #expect(try await world.dv.finalize(id: order.id, principal: owner.principal).order.status == .valid)
    }

    @Test func anotherOrganisationCannotValidateAClaimedDomain() async throws {
        let world = try await World.make()
        let holder = try await world.tenant()
        let rival = try await world.tenant()
        let key = PrivateJWK.generate(kid: "k")
        let early = try await world.order("claimed.example.com", key: key, by: rival)
        let (_, grant) = try await world.validate(try await world.order("claimed.example.com", key: key, by: holder), by: holder)
        await expectError("DOMAIN_CLAIMED", kind: .conflict) { _ = try await world.order("claimed.example.com", key: key, by: rival) }
        // An order created before the claim cannot be finalized after it.
        world.validator.publish(for: early)
        await expectError("DOMAIN_CLAIMED") { _ = try await world.dv.finalize(id: early.id, principal: rival.principal) }
        // The holder and anonymous requesters may still order; subdomains are not claimed.
        _ = try await world.order("claimed.example.com", key: key, by: holder)
        _ = try await world.order("claimed.example.com", key: key)
        _ = try await world.order("sub.claimed.example.com", key: key, by: rival)
        // Once the grant is revoked the domain is free again.
        _ = try await world.dv.revokeGrant(jti: grant.jti, try await world.grantProof(key, method: "POST", path: GrantPaths.revoke(grant.jti)))
        _ = try await world.order("claimed.example.com", key: key, by: rival)
    }

    @Test func unknownOrdersAndAMissingValidator() async throws {
        let world = try await World.make(validating: false)
        for id in [UUID().uuidString.lowercased(), "not-a-uuid", "", String(repeating: "a", count: 65)] {
            await expectError("ORDER_NOT_FOUND", kind: .notFound) { _ = try await world.dv.order(id: id) }
            await expectError("ORDER_NOT_FOUND", kind: .notFound) { _ = try await world.dv.finalize(id: id, principal: nil) }
        }
        let order = try await world.order("a.example.com", key: .generate(kid: "k"))
        await expectError("VALIDATION_UNAVAILABLE", kind: .unavailable) { _ = try await world.dv.finalize(id: order.id, principal: nil) }
        #expect(try await world.dv.order(id: order.id).failedAttempts == 0)
    }

    // MARK: Grants

    @Test func grantStatusNeedsAProofByTheGrantKeyAndHidesEveryFailure() async throws {
        let world = try await World.make()
        let key = PrivateJWK.generate(kid: "agent")
        let (_, grant) = try await world.validate(try await world.order("grant.example.com", key: key))
        let path = GrantPaths.status(grant.jti)
        #expect(try await world.dv.grantStatus(jti: grant.jti, try await world.grantProof(key, method: "GET", path: path)) == grant)
        #expect(world.dv.grantStatusWord(grant) == "valid")

        let replayed = try await world.grantProof(key, method: "GET", path: path)
        _ = try await world.dv.grantStatus(jti: grant.jti, replayed)
        let now = world.clock.now()
        let stranger = PrivateJWK.generate(kid: "x")
        let refused: [GrantProofRequest] = [
            GrantProofRequest(proof: nil, method: "GET", path: path, clientIP: nil),
            GrantProofRequest(proof: "not-a-jws", method: "GET", path: path, clientIP: nil),
            try await world.grantProof(stranger, method: "GET", path: path),
            replayed,
            try await world.grantProof(key, method: "POST", path: path).with(method: "GET"),
            try await world.grantProof(key, method: "GET", path: GrantPaths.status("other")).with(path: path),
            try await world.grantProof(key, method: "GET", path: path) { header, _ in header["typ"] = "JWT" },
            try await world.grantProof(key, method: "GET", path: path) { _, payload in payload["iat"] = .int(now - 61) },
            try await world.grantProof(key, method: "GET", path: path) { _, payload in payload["exp"] = .int(now + 61) },
            try await world.grantProof(key, method: "GET", path: path) { _, payload in payload["aud"] = "https://elsewhere.example" },
            try await world.grantProof(key, method: "GET", path: path) { _, payload in payload["jti"] = nil },
        ]
        for request in refused {
            await expectError("GRANT_NOT_FOUND", kind: .notFound) { _ = try await world.dv.grantStatus(jti: grant.jti, request) }
        }
        let unknown = "grant-\(UUID().uuidString.lowercased())"
        await expectError("GRANT_NOT_FOUND") {
            _ = try await world.dv.grantStatus(jti: unknown, try await world.grantProof(key, method: "GET", path: GrantPaths.status(unknown)))
        }
        // A did:key kid carries the key as well as a header jwk does.
        let didKey = DIDKey.did(for: key.publicKey)
        let viaKid = try await world.grantProof(key, method: "GET", path: path) { header, _ in
            header["jwk"] = nil
            header["kid"] = .string(didKey + "#" + key.publicKey.multibase)
        }
        #expect(try await world.dv.grantStatus(jti: grant.jti, viaKid) == grant)
        world.clock.set(grant.expiresAt)
        #expect(world.dv.grantStatusWord(grant) == "expired")
    }

    @Test func aGrantIsRevokedOnceByItsKeyAndClosesTheLevel2Gate() async throws {
        let world = try await World.make()
        let tenant = try await world.tenant()
        let key = PrivateJWK.generate(kid: "agent")
        let agent = try await world.keyedAgent(tenant, domain: "gate.example.com")
        let (_, grant) = try await world.validate(try await world.order("gate.example.com", key: key, by: tenant), by: tenant)
        _ = try await world.badges.issueIAL0(tenant.principal, agent.id, IAL0Request(level: .domainValidated))

        let path = GrantPaths.revoke(grant.jti)
        await expectError("POP_VERIFICATION_FAILED", kind: .unauthorized) {
            _ = try await world.dv.revokeGrant(jti: grant.jti, try await world.grantProof(.generate(kid: "x"), method: "POST", path: path))
        }
        world.clock.advance(3)
        let revoked = try await world.dv.revokeGrant(jti: grant.jti, try await world.grantProof(key, method: "POST", path: path))
        #expect(revoked.revokedAt == world.clock.now() && world.dv.grantStatusWord(revoked) == "revoked")
        #expect(try await world.store.dvGrant(jti: grant.jti)?.revokedAt == world.clock.now())
        await expectError("GRANT_ALREADY_REVOKED", kind: .conflict) {
            _ = try await world.dv.revokeGrant(jti: grant.jti, try await world.grantProof(key, method: "POST", path: path))
        }
        // Status still answers (with the revocation) to the key's holder.
        let status = try await world.dv.grantStatus(jti: grant.jti, try await world.grantProof(key, method: "GET", path: GrantPaths.status(grant.jti)))
        #expect(status.revokedAt == revoked.revokedAt)
        await expectError("DOMAIN_NOT_VERIFIED") { _ = try await world.badges.issueIAL0(tenant.principal, agent.id, IAL0Request(level: .domainValidated)) }
        let events = try await world.events("dv.grant.revoked")
        #expect(events.count == 1 && events.first?.orgID == tenant.org.id && events.first?.subject == grant.jti)
    }

    @Test func grantLookupsAreLimitedPerClientAddress() async throws {
        var policy = DVPolicy()
        policy.grantLookupRate = .perMinute(2)
        let world = try await World.make(dvPolicy: policy)
        let missing = "grant-\(UUID().uuidString.lowercased())"
        for _ in 0..<2 {
            await expectError("GRANT_NOT_FOUND") {
                _ = try await world.dv.grantStatus(jti: missing, GrantProofRequest(proof: nil, method: "GET", path: "/", clientIP: "203.0.113.1"))
            }
        }
        await expectRateLimited("RATE_LIMIT_EXCEEDED") {
            _ = try await world.dv.revokeGrant(jti: missing, GrantProofRequest(proof: nil, method: "POST", path: "/", clientIP: "203.0.113.1"))
        }
        await expectError("GRANT_NOT_FOUND") {
            _ = try await world.dv.grantStatus(jti: missing, GrantProofRequest(proof: nil, method: "GET", path: "/", clientIP: "203.0.113.2"))
        }
    }
}

extension GrantProofRequest {
    func with(method: String) -> GrantProofRequest { GrantProofRequest(proof: proof, method: method, path: path, clientIP: clientIP) }
    func with(path: String) -> GrantProofRequest { GrantProofRequest(proof: proof, method: method, path: path, clientIP: clientIP) }
}
