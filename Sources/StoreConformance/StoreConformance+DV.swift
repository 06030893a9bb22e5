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
        ConformanceCase(name: "dv grants: a logged grant reads back with the index the store gave it") { store in
            let grant = DVGrant(
                jti: "grant-\(uuid())", domain: "\(uuid()).example.com", thumbprint: "jkt", orgID: "org-1", orderID: uuid(),
                token: "a.b.c", issuedAt: 1_000, expiresAt: 2_000
            )
            let entry = LogEntryRecord(grant: grant, iss: "https://ca.example", kid: "k")
            let index = try await store.insertDVGrant(grant, logEntry: entry)
            try await expect(index != nil, "a logged grant is sequenced")
            try await expect(try await store.dvGrant(jti: grant.jti)?.logIndex == index, "lookup carries the index")
            let logged = index.map { [SequencedLogEntry(index: $0, record: entry)] }
            try await expect(try await store.logEntries(jti: grant.jti) == logged, "the entry is at that index")
            try await store.indexLogSubjects(logged ?? [])
            try await expect(try await store.logEntries(subject: grant.domain, limit: 10) == logged, "once recorded, found by its domain, the entry's subject")
            try await expect(
                try await store.dvGrants(orgID: "org-1", before: nil, limit: 1_000).first { $0.jti == grant.jti }?.logIndex == index,
                "the organisation's listing carries it too"
            )
        },
        ConformanceCase(name: "an organisation's dv orders and grants: newest first, own org only, keyset pages") { store in
            let org = try await makeOrg(store)
            let other = try await makeOrg(store)
            func order(at time: Int64, id: String, in owner: String?) -> DVOrder {
                var order = makeDVOrder(domain: "\(uuid()).example.com", orgID: owner)
                order.id = id
                order.createdAt = time
                return order
            }
            let prefix = uuid()
            let old = order(at: 100, id: "\(prefix)-a", in: org.id)
            let tieLow = order(at: 200, id: "\(prefix)-b", in: org.id)
            let tieHigh = order(at: 200, id: "\(prefix)-c", in: org.id)
            for row in [tieLow, old, order(at: 150, id: uuid(), in: other.id), order(at: 160, id: uuid(), in: nil), tieHigh] {
                try await store.insertDVOrder(row)
            }
            try await expect(try await store.dvOrders(orgID: org.id, before: nil, limit: 10).map(\.id) == [tieHigh.id, tieLow.id, old.id],
                             "newest first, id descending on ties, other orgs and anonymous orders left out")
            let cursor = PageCursor(createdAt: tieHigh.createdAt, id: tieHigh.id)
            try await expect(try await store.dvOrders(orgID: org.id, before: cursor, limit: 1).map(\.id) == [tieLow.id], "after the cursor, limited")

            func grant(at time: Int64, jti: String, in owner: String) -> DVGrant {
                DVGrant(jti: jti, domain: "g.example.com", thumbprint: "jkt", orgID: owner, orderID: uuid(), token: "a.b.c", issuedAt: time, expiresAt: time + 100)
            }
            let first = grant(at: 100, jti: "grant-\(prefix)-a", in: org.id)
            let second = grant(at: 300, jti: "grant-\(prefix)-b", in: org.id)
            let third = grant(at: 300, jti: "grant-\(prefix)-c", in: org.id)
            for row in [second, grant(at: 200, jti: "grant-\(uuid())", in: other.id), first, third] { try await store.insertDVGrant(row) }
            try await expect(try await store.dvGrants(orgID: org.id, before: nil, limit: 10) == [third, second, first], "newest first, own org only")
            let after = PageCursor(createdAt: third.issuedAt, id: third.jti)
            try await expect(try await store.dvGrants(orgID: org.id, before: after, limit: 10) == [second, first], "after the cursor")
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
