import Registry

extension StoreConformance {
    static func makeCAKey(_ kid: String = uuid(), state: CAKeyRecord.State = .prepared, at time: Int64 = 1_700_000_000) -> CAKeyRecord {
        CAKeyRecord(kid: kid, publicJWK: #"{"crv":"Ed25519","kty":"OKP","x":"\#(kid)"}"#, state: state, createdAt: time)
    }

    static func isUniqueViolation(_ constraint: String) -> @Sendable (any Error) -> Bool {
        { error in if case StoreError.uniqueViolation(let c) = error { c == constraint } else { false } }
    }

    static let caKeyCases: [ConformanceCase] = [
        ConformanceCase(name: "CA keys round trip, oldest first, kids unique") { store in
            var retired = makeCAKey(state: .retired, at: 10)
            retired.activatedAt = 11
            retired.retiredAt = 12
            let prepared = makeCAKey(at: 20)
            for key in [prepared, retired] { try await store.insertCAKey(key) }
            try await expect(try await store.caKeys() == [retired, prepared], "every field stored, ordered by creation")
            try await expectThrows("duplicate kid", {
                try await store.insertCAKey(makeCAKey(prepared.kid, at: 30))
            }, matches: isUniqueViolation("ca_keys.kid"))
            try await expect(try await store.caKeys() == [retired, prepared], "failed insert stored nothing")
        },
        ConformanceCase(name: "the database refuses a second active CA key") { store in
            try await store.insertCAKey(makeCAKey(state: .active))
            try await expectThrows("second active key", {
                try await store.insertCAKey(makeCAKey(state: .active))
            }, matches: isUniqueViolation("ca_keys.state"))
        },
        ConformanceCase(name: "ensureActiveCAKey activates the first candidate and keeps it") { store in
            let first = makeCAKey(at: 100)
            let active = try await store.ensureActiveCAKey(first)
            try await expect(
                active.kid == first.kid && active.state == .active && active.activatedAt == 100 && active.retiredAt == nil,
                "first candidate becomes active: \(active)"
            )
            try await expect(try await store.caKeys() == [active], "stored as returned")
            let again = try await store.ensureActiveCAKey(makeCAKey(at: 200))
            try await expect(again == active, "a later candidate gets the existing active key")
            try await expect(try await store.caKeys() == [active], "the later candidate is not stored")
        },
        ConformanceCase(name: "ensureActiveCAKey promotes a stored key with the candidate's kid") { store in
            var retired = makeCAKey(state: .retired, at: 10)
            retired.activatedAt = 11
            retired.retiredAt = 12
            try await store.insertCAKey(retired)
            var candidate = makeCAKey(retired.kid, state: .active, at: 50)
            candidate.activatedAt = 60
            let active = try await store.ensureActiveCAKey(candidate)
            try await expect(active.state == .active && active.activatedAt == 60 && active.retiredAt == nil, "reactivated: \(active)")
            try await expect(active.createdAt == 10 && active.publicJWK == retired.publicJWK, "stored key material and creation kept")
            try await expect(try await store.caKeys() == [active], "still one row")
        },
        ConformanceCase(name: "concurrent ensureActiveCAKey elects exactly one key") { store in
            // Open pooled connections first: otherwise connection set-up staggers the callers and
            // they never overlap, which would let a missing lock go unnoticed.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<8 { group.addTask { try await store.ping() } }
                try await group.waitForAll()
            }
            let candidates = (0..<8).map { makeCAKey(at: 100 + Int64($0)) }
            let results = try await withThrowingTaskGroup(of: CAKeyRecord.self) { group in
                for candidate in candidates {
                    group.addTask { try await store.ensureActiveCAKey(candidate) }
                }
                return try await group.reduce(into: [CAKeyRecord]()) { $0.append($1) }
            }
            try await expect(results.count == 8 && Set(results.map(\.kid)).count == 1, "every caller sees the same key: \(results.map(\.kid))")
            try await expect(candidates.contains { $0.kid == results[0].kid }, "the winner is one of the candidates")
            try await expect(try await store.caKeys() == [results[0]], "only the winner is stored, active")
        },
        ConformanceCase(name: "activateCAKey rotates in one step; unknown kid changes nothing") { store in
            let old = try await store.ensureActiveCAKey(makeCAKey(at: 10))
            let next = makeCAKey(at: 20)
            try await store.insertCAKey(next)
            try await expect(try await store.activateCAKey(kid: uuid(), at: 30) == false, "unknown kid")
            try await expect(try await store.caKeys() == [old, next], "unknown kid changed nothing")
            try await expect(try await store.activateCAKey(kid: next.kid, at: 40), "rotation")
            var retired = old
            retired.state = .retired
            retired.retiredAt = 40
            var active = next
            active.state = .active
            active.activatedAt = 40
            try await expect(try await store.caKeys() == [retired, active], "old key retired at 40, new one active since 40")
            try await expect(try await store.activateCAKey(kid: next.kid, at: 50), "activating the active key succeeds")
            try await expect(try await store.caKeys() == [retired, active], "and changes nothing")
            try await expect(try await store.activateCAKey(kid: old.kid, at: 60), "rolling back to the retired key")
            retired.state = .active
            retired.activatedAt = 60
            retired.retiredAt = nil
            active.state = .retired
            active.retiredAt = 60
            try await expect(try await store.caKeys() == [retired, active], "roles swap, retired_at cleared on the reactivated key")
        },
        ConformanceCase(name: "kids with unexpired badges honour expiry and the kid filter") { store in
            let org = try await makeOrg(store)
            for (kid, expiry) in [("k-expired", 100), ("k-live", 101), ("k-live", 50), ("k-unasked", 500)] {
                try await store.insertBadge(makeBadge(org, kid: kid, expiresAt: Int64(expiry)))
            }
            let kids = ["k-expired", "k-live", "k-none"]
            try await expect(try await store.kidsWithUnexpiredBadges(kids, now: 100) == ["k-live"], "expires_at == now counts as expired")
            try await expect(try await store.kidsWithUnexpiredBadges(kids, now: 99) == ["k-expired", "k-live"], "both live a second earlier")
            try await expect(try await store.kidsWithUnexpiredBadges(kids, now: 101).isEmpty, "none once all expired")
            try await expect(try await store.kidsWithUnexpiredBadges([], now: 0).isEmpty, "empty filter, empty answer")
        },
    ]
}
