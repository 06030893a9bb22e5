import BadgeCore
import Registry
import StoreConformance
import Testing

@Suite struct AuthTests {
    @Test(arguments: TestBackend.available)
    func missingOrUnknownKeyIs401JSON(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            for response in [
                try await app.request(.get, "/v1/agents"),
                try await app.request(.get, "/v1/agents", key: "cpsc_live_not-a-real-key"),
                try await app.request(.get, "/v1/agents", bearer: "test_api_key_e2e"),
                try await app.request(.get, "/v1/agents", headers: [.authorization: "Basic dXNlcjpwYXNz"]),
            ] {
                #expect(response.status == .unauthorized)
                #expect(response.json["success"] == false)
                #expect(response.errorCode == "unauthorized")
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func keyWorksInEitherHeader(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            #expect(try await app.request(.get, "/v1/agents", key: tenant.key).status == .ok)
            #expect(try await app.request(.get, "/v1/agents", bearer: tenant.key).status == .ok)
            // The registry-key header wins when both are present (CONTRACT.md §2.2).
            #expect(try await app.request(.get, "/v1/agents", key: tenant.key, bearer: "garbage").status == .ok)
            #expect(try await app.request(.get, "/v1/agents", key: "garbage", bearer: tenant.key).status == .unauthorized)
        }
    }

    @Test func aJWTShapedBearerIsNotLookedUpAsAKey() async throws {
        try await TestApp.run(.sqlite) { app in
            let response = try await app.request(.get, "/v1/agents", bearer: "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln")
            #expect(response.status == .unauthorized)
        }
    }

    @Test(arguments: TestBackend.available)
    func expiredKeyStopsWorking(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let org = try await OrganizationService(store: app.store, clock: app.clock).findOrCreate("expiring")
            let key = try await APIKeyService(store: app.store, clock: app.clock)
                .create(orgID: org.id, name: "short", expiresAt: app.clock.now() + 60)
            #expect(try await app.request(.get, "/v1/agents", key: key.plaintext).status == .ok)
            app.clock.advance(61)
            #expect(try await app.request(.get, "/v1/agents", key: key.plaintext).status == .unauthorized)
        }
    }

    @Test func keysAreStoredHashedOnly() async throws {
        try await TestApp.run(.sqlite) { app in
            let tenant = try await app.tenant()
            let stored = try #require(try await app.store.apiKeys(orgID: tenant.org.id).first)
            #expect(stored.hash == APIKeyService.hash(tenant.key))
            #expect(stored.hash != tenant.key && !tenant.key.hasPrefix(stored.hash))
            #expect(tenant.key.hasPrefix(stored.prefix) && stored.prefix.count < tenant.key.count - 20)
            let rows = try await app.store.database.query("SELECT * FROM api_keys")
            for row in rows {
                for value in row.values.values {
                    if case .text(let text) = value { #expect(!text.contains(tenant.key.dropFirst(20))) }
                }
            }
        }
    }
}
