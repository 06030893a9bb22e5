import Registry

extension StoreConformance {
    static func makeKey(_ org: Organization, hash: String = uuid(), at time: Int64 = 1_700_000_000) -> APIKeyRecord {
        APIKeyRecord(
            id: uuid(), orgID: org.id, name: "ci", prefix: "cpsc_live_abc", hash: hash,
            scopes: ["agents:read", "badges:issue"], createdAt: time, expiresAt: time + 3600
        )
    }

    static let apiKeyCases: [ConformanceCase] = [
        ConformanceCase(name: "api key round trip keeps every field") { store in
            let org = try await makeOrg(store)
            let key = makeKey(org)
            try await store.insertAPIKey(key)
            try await expect(try await store.apiKey(hash: key.hash) == key, "lookup by hash returns the same record")
            try await expect(try await store.apiKey(hash: "nope") == nil, "unknown hash is nil")
        },
        ConformanceCase(name: "recent key reads see revocation and touches made through the store") { store in
            let org = try await makeOrg(store)
            let key = makeKey(org)
            try await store.insertAPIKey(key)
            try await expect(try await store.apiKey(hash: key.hash, freshness: .recent(maxAge: 30, now: 1_700_000_000)) == key, "a recent read finds the key")
            try await store.touchAPIKey(id: key.id, at: 1_700_000_500)
            try await expect(try await store.apiKey(hash: key.hash, freshness: .recent(maxAge: 30, now: 1_700_000_000))?.lastUsedAt == 1_700_000_500, "the touch shows")
            try await store.inTransaction { tx in _ = try await tx.revokeAPIKey(id: key.id, orgID: org.id, at: 1_700_000_600) }
            try await expect(try await store.apiKey(hash: key.hash, freshness: .recent(maxAge: 30, now: 1_700_000_000))?.revokedAt == 1_700_000_600, "the revocation shows")
        },
        ConformanceCase(name: "api key hashes are unique") { store in
            let org = try await makeOrg(store)
            let key = makeKey(org)
            try await store.insertAPIKey(key)
            try await expectThrows("duplicate hash", {
                try await store.insertAPIKey(makeKey(org, hash: key.hash))
            }, matches: { if case StoreError.uniqueViolation = $0 { true } else { false } })
        },
        ConformanceCase(name: "api keys list per org in creation order") { store in
            let a = try await makeOrg(store)
            let b = try await makeOrg(store)
            let first = makeKey(a, at: 100)
            let second = makeKey(a, at: 200)
            let other = makeKey(b, at: 150)
            for key in [second, other, first] { try await store.insertAPIKey(key) }
            try await expect(try await store.apiKeys(orgID: a.id).map(\.id) == [first.id, second.id], "org a sees its two keys in order")
            try await expect(try await store.apiKeys(orgID: b.id).map(\.id) == [other.id], "org b sees only its key")
            let all = try await store.apiKeys(orgID: nil).map(\.id)
            try await expect(Set([first.id, second.id, other.id]).isSubset(of: Set(all)), "operator listing sees every key")
        },
        ConformanceCase(name: "revoking a key is scoped to its org and happens once") { store in
            let a = try await makeOrg(store)
            let b = try await makeOrg(store)
            let key = makeKey(a)
            try await store.insertAPIKey(key)
            try await expect(try await store.revokeAPIKey(id: key.id, orgID: b.id, at: 5) == false, "another org cannot revoke it")
            try await expect(try await store.apiKey(hash: key.hash)?.revokedAt == nil, "still live after foreign attempt")
            try await expect(try await store.revokeAPIKey(id: key.id, orgID: a.id, at: 7), "owner revokes")
            try await expect(try await store.apiKey(hash: key.hash)?.revokedAt == 7, "revocation time stored")
            try await expect(try await store.revokeAPIKey(id: key.id, orgID: a.id, at: 9) == false, "second revoke reports nothing to do")
            try await expect(try await store.apiKey(hash: key.hash)?.revokedAt == 7, "first revocation time kept")
        },
        ConformanceCase(name: "touching a key records last use") { store in
            let org = try await makeOrg(store)
            let key = makeKey(org)
            try await store.insertAPIKey(key)
            try await store.touchAPIKey(id: key.id, at: 1234)
            try await expect(try await store.apiKey(hash: key.hash)?.lastUsedAt == 1234, "last_used_at updated")
        },
    ]
}
