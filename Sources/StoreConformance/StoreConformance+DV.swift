import Registry

extension StoreConformance {
    static func makeDVOrder(domain: String, orgID: String? = nil, clientIP: String? = "192.0.2.9", expiresAt: Int64 = 2_000) -> DVOrder {
        DVOrder(
            id: uuid(), domain: domain, challengeType: .dns01, token: "tok-\(uuid())", thumbprint: "jkt", orgID: orgID,
            clientIP: clientIP, createdAt: 1_000, expiresAt: expiresAt
        )
    }

    static let dvCases: [ConformanceCase] = [
        ConformanceCase(name: "dv orders round trip, update conditionally and count outstanding") { store in
            let domain = "\(uuid()).example.com"
            let org = try await makeOrg(store)
            var order = makeDVOrder(domain: domain, orgID: org.id)
            try await store.insertDVOrder(order)
            try await expect(try await store.dvOrder(id: order.id) == order, "lookup returns the stored order")
            try await expect(try await store.dvOrder(id: uuid()) == nil, "unknown id is nil")
            try await store.insertDVOrder(makeDVOrder(domain: domain, clientIP: nil, expiresAt: 1_500))
            try await expect(try await store.countOutstandingDVOrders(domain: domain, now: 1_400) == 2, "two outstanding")
            try await expect(try await store.countOutstandingDVOrders(domain: domain, now: 1_600) == 1, "expired orders do not count")
            try await expect(try await store.countOutstandingDVOrders(clientIP: "192.0.2.9", now: 1_600) >= 1, "counted per client")

            order.status = .valid
            order.finalizedAt = 1_700
            order.grantJTI = "grant-\(uuid())"
            order.validatedVia = "dns-01"
            order.validatedTarget = "_capiscio-challenge.\(domain)"
            order.validatedAt = 1_700
            order.failedAttempts = 3
            try await expect(try await store.updateDVOrder(order, expectedStatus: .pending), "pending → valid")
            try await expect(try await store.dvOrder(id: order.id) == order, "every updated field is stored")
            try await expect(try await store.updateDVOrder(order, expectedStatus: .pending) == false, "a second pending → valid loses")
            try await expect(try await store.countOutstandingDVOrders(domain: domain, now: 1_400) == 1, "valid orders are not outstanding")
        },
        ConformanceCase(name: "dv grants: active per domain, revoked once") { store in
            let domain = "\(uuid()).example.com"
            let grant = DVGrant(
                jti: "grant-\(uuid())", domain: domain, thumbprint: "jkt", orgID: "org-1", orderID: uuid(), token: "a.b.c",
                issuedAt: 1_000, expiresAt: 2_000
            )
            try await store.insertDVGrant(grant)
            try await expect(try await store.dvGrant(jti: grant.jti) == grant, "lookup returns the stored grant")
            try await expect(try await store.activeDVGrants(domain: domain, now: 1_500) == [grant], "active before expiry")
            try await expect(try await store.activeDVGrants(domain: domain, now: 2_000).isEmpty, "inactive at expiry")
            try await expect(try await store.activeDVGrants(domain: "x." + domain, now: 1_500).isEmpty, "exact domain only")
            try await expect(try await store.revokeDVGrant(jti: grant.jti, at: 1_600), "revoked")
            try await expect(try await store.revokeDVGrant(jti: grant.jti, at: 1_700) == false, "revoked once")
            try await expect(try await store.dvGrant(jti: grant.jti)?.revokedAt == 1_600, "first revocation kept")
            try await expect(try await store.activeDVGrants(domain: domain, now: 1_500).isEmpty, "revoked grants are inactive")
        },
        ConformanceCase(name: "minted badge subjects are live until their badge expires or is revoked") { store in
            let org = try await makeOrg(store)
            func mint(_ subject: String, segment: String?, expiresAt: Int64) async throws -> String {
                let jti = uuid()
                try await store.insertBadge(BadgeRecord(jti: jti, orgID: org.id, agentID: nil, subject: subject, level: "2", ial: "1", kid: "k", issuedAt: 1, expiresAt: expiresAt))
                try await store.insertMintedBadge(jti: jti, subject: subject, agentSegment: segment, grantJTI: "grant-1", expiresAt: expiresAt)
                return jti
            }
            let billing = "did:web:acme.example:agents:billing"
            let other = "did:web:other.example:agents:billing"
            let jti = try await mint(billing, segment: "billing", expiresAt: 100)
            _ = try await mint(other, segment: "billing", expiresAt: 200)
            try await expect(try await store.liveMintedSubject(subject: billing, now: 50) == billing, "live before expiry")
            try await expect(try await store.liveMintedSubject(subject: billing, now: 100) == nil, "expired at exp")
            try await expect(try await store.liveMintedSubject(subject: "did:web:x.example:agents:none", now: 50) == nil, "unknown subject")
            try await expect(try await store.liveMintedSubjects(agentSegment: "billing", now: 50) == [billing, other], "by segment, ordered")
            try await expect(try await store.liveMintedSubjects(agentSegment: "billing", now: 150) == [other], "expired ones drop out")
            _ = try await store.revokeBadge(jti: jti, orgID: org.id, reason: nil, at: 60)
            try await expect(try await store.liveMintedSubject(subject: billing, now: 70) == nil, "a revoked badge is not live")
        },
    ]
}
