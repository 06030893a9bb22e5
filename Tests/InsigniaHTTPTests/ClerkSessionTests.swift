import BadgeCore
import Crypto
import Foundation
import InsigniaApp
import InsigniaHTTP
import Outbound
import Registry
import StoreConformance
import Testing

/// Session JWTs (Clerk) as the alternative to API keys, against a JWKS served from loopback.
@Suite struct ClerkSessionTests {
    /// Runs `body` with a JWKS host serving `keys` and a server that trusts it.
    static func withClerk(
        _ backend: TestBackend, keys: [String: TestSessionKey], _ body: @Sendable (TestApp, DocumentHost) async throws -> Void
    ) async throws {
        let host = DocumentHost()
        let jwks: JSONValue = ["keys": .array(keys.sorted { $0.key < $1.key }.map { $0.value.jwk(kid: $0.key) })]
        host.serve("/.well-known/jwks.json", String(decoding: jwks.serialized(), as: UTF8.self), contentType: "application/json")
        try await host.run { port in
            try await TestApp.run(backend, configure: { config in
                config.sessionTokens = SessionTokenSettings(
                    keySource: .jwks(url: "http://127.0.0.1:\(port)/.well-known/jwks.json"),
                    issuer: SessionClaimsFixture.issuer, authorizedParties: [SessionClaimsFixture.party]
                )
            }, jwksFetcher: JWKSFetcher(allowLoopback: true)) { app in
                try await body(app, host)
            }
        }
    }

    static func user() -> String { "user_\(UUID().uuidString.prefix(8))" }

    @Test(arguments: TestBackend.available)
    func validTokensOfEveryAlgorithmAuthenticate(backend: TestBackend) async throws {
        let rsa = TestSessionKey.newRSA(), p256 = TestSessionKey.newP256(), ed = TestSessionKey.newEd25519()
        try await Self.withClerk(backend, keys: ["rsa": rsa, "ec": p256, "ed": ed]) { app, host in
            let sub = Self.user()
            for (kid, key) in [("rsa", rsa), ("ec", p256), ("ed", ed)] {
                let token = key.token(kid: kid, payload: SessionClaimsFixture.payload(sub: sub, now: app.clock.now()))
                let response = try await app.request(.get, "/v1/agents", bearer: token)
                #expect(response.status == .ok, "\(kid): \(response.text)")
            }
            #expect(host.requestCount == 1, "the JWKS is cached")
            // First sight: a personal organisation named after the user, with the user as admin.
            let token = rsa.token(kid: "rsa", payload: SessionClaimsFixture.payload(sub: sub, now: app.clock.now()))
            let orgs = try await app.request(.get, "/v1/orgs", bearer: token)
            #expect(orgs.status == .ok)
            #expect(orgs.json["success"] == true)
            let personal = try #require(orgs.data.arrayValue?.first)
            #expect(orgs.data.arrayValue?.count == 1)
            #expect(personal["role"] == "admin")
            #expect(personal["name"]?.stringValue == sub)
            // Admins of their personal org manage keys and agents.
            #expect(try await app.request(.post, "/v1/api-keys", bearer: token, json: ["name": "ci"]).status == .created)
            #expect(try await app.request(.post, "/v1/agents", bearer: token, json: ["name": "bot"]).status == .created)
        }
    }

    @Test(arguments: TestBackend.available)
    func badTokensAreRejected(backend: TestBackend) async throws {
        let rsa = TestSessionKey.newRSA(), p256 = TestSessionKey.newP256()
        try await Self.withClerk(backend, keys: ["rsa": rsa, "ec": p256]) { app, host in
            let now = app.clock.now()
            let sub = Self.user()
            func payload(exp: Int64? = nil, nbf: Int64? = nil, iss: String = SessionClaimsFixture.issuer, azp: String = SessionClaimsFixture.party) -> JSONValue {
                SessionClaimsFixture.payload(sub: sub, now: now, exp: exp, nbf: nbf, iss: iss, azp: azp)
            }
            let good = rsa.token(kid: "rsa", payload: payload())
            var tampered = Array(good)
            let index = good.firstIndex(of: ".").map { good.distance(from: good.startIndex, to: $0) + 5 } ?? 5
            tampered[index] = tampered[index] == "A" ? "B" : "A"
            let unsignedHeader = JWS.headerSegment(["alg": "none", "kid": "rsa"])
            let body = Base64URL.encode(payload().serialized())
            // HS256 keyed with the RSA public key's PEM bytes: the classic confusion attack.
            let hsInput = JWS.headerSegment(["alg": "HS256", "kid": "rsa", "typ": "JWT"]) + "." + body
            let publicPEM = Array(rsa.publicPEM.utf8)
            let hsMAC = HMAC<SHA256>.authenticationCode(for: Array(hsInput.utf8), using: SymmetricKey(data: publicPEM))
            let cases: [(String, String)] = [
                ("expired", rsa.token(kid: "rsa", payload: payload(exp: now - 10))),
                ("not yet valid", rsa.token(kid: "rsa", payload: payload(nbf: now + 60))),
                ("wrong issuer", rsa.token(kid: "rsa", payload: payload(iss: "https://evil.example"))),
                ("wrong azp", rsa.token(kid: "rsa", payload: payload(azp: "https://evil.example"))),
                ("tampered", String(tampered)),
                ("alg none", unsignedHeader + "." + body + "." + Base64URL.encode([0])),
                ("HS256 confusion", hsInput + "." + Base64URL.encode(Data(hsMAC))),
                ("RS256 header on the P-256 key", p256.token(kid: "ec", payload: payload(), alg: "RS256")),
                ("ES256 header on the RSA key", rsa.token(kid: "rsa", payload: payload(), alg: "ES256")),
                ("no kid", rsa.token(kid: nil, payload: payload())),
            ]
            for (name, token) in cases {
                let response = try await app.request(.get, "/v1/agents", bearer: token)
                #expect(response.status == .unauthorized, "\(name): \(response.text)")
                #expect(response.json["success"] == false)
            }
            // Within the 5 s leeway a just-expired token still passes.
            #expect(try await app.request(.get, "/v1/agents", bearer: rsa.token(kid: "rsa", payload: payload(exp: now - 2))).status == .ok)
            #expect(host.requestCount == 1)
        }
    }

    @Test(arguments: TestBackend.available)
    func unknownKidRefreshesTheJWKSOnceThenRejects(backend: TestBackend) async throws {
        let rsa = TestSessionKey.newRSA()
        try await Self.withClerk(backend, keys: ["rsa": rsa]) { app, host in
            let payload = SessionClaimsFixture.payload(sub: Self.user(), now: app.clock.now())
            #expect(try await app.request(.get, "/v1/agents", bearer: rsa.token(kid: "rsa", payload: payload)).status == .ok)
            #expect(host.requestCount == 1)
            let stranger = TestSessionKey.newRSA()
            let response = try await app.request(.get, "/v1/agents", bearer: stranger.token(kid: "rotated", payload: payload))
            #expect(response.status == .unauthorized)
            #expect(host.requestCount == 2, "the JWKS was fetched again for the unknown kid")
            // A second unknown kid right away does not hit the JWKS host again.
            #expect(try await app.request(.get, "/v1/agents", bearer: stranger.token(kid: "other", payload: payload)).status == .unauthorized)
            #expect(host.requestCount == 2)
        }
    }

    @Test(arguments: TestBackend.available)
    func staticPEMKeyNeedsNoNetwork(backend: TestBackend) async throws {
        for key in [TestSessionKey.newRSA(), .newP256(), .newEd25519()] {
            let sessionKey = try SessionKey(pem: key.publicPEM)
            let configure: @Sendable (inout AppConfig) -> Void = { config in
                config.sessionTokens = SessionTokenSettings(keySource: .key(sessionKey), issuer: SessionClaimsFixture.issuer)
            }
            try await TestApp.run(backend, configure: configure) { (app: TestApp) async throws in
                let payload = SessionClaimsFixture.payload(sub: Self.user(), now: app.clock.now())
                #expect(try await app.request(.get, "/v1/agents", bearer: key.token(kid: "ignored", payload: payload)).status == .ok)
                let other = TestSessionKey.newRSA()
                #expect(try await app.request(.get, "/v1/agents", bearer: other.token(kid: nil, payload: payload, alg: key.alg)).status == .unauthorized)
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func membersCannotManageKeysAndOrgsAreIsolated(backend: TestBackend) async throws {
        let rsa = TestSessionKey.newRSA()
        try await Self.withClerk(backend, keys: ["rsa": rsa]) { app, _ in
            let now = app.clock.now()
            let admin = Self.user(), member = Self.user(), outsider = Self.user()
            let orgA = "org_a_\(UUID().uuidString.prefix(6))", orgB = "org_b_\(UUID().uuidString.prefix(6))"
            let adminToken = rsa.token(kid: "rsa", payload: SessionClaimsFixture.payload(sub: admin, now: now, org: (orgA, "org:admin")))
            let memberToken = rsa.token(kid: "rsa", payload: SessionClaimsFixture.payload(sub: member, now: now, org: (orgA, "org:member"), compactOrg: true))
            let outsiderToken = rsa.token(kid: "rsa", payload: SessionClaimsFixture.payload(sub: outsider, now: now, org: (orgB, "org:admin")))

            // A member manages agents but not API keys.
            let agent = try await app.request(.post, "/v1/agents", bearer: memberToken, json: ["name": "member-bot"])
            #expect(agent.status == .created)
            let agentID = try #require(agent.data["id"]?.stringValue)
            let denied = try await app.request(.post, "/v1/api-keys", bearer: memberToken, json: ["name": "x"])
            #expect(denied.status == .forbidden)
            #expect(denied.errorCode == "insufficient_role")
            #expect(try await app.request(.get, "/v1/api-keys", bearer: memberToken).status == .forbidden)
            #expect(try await app.request(.post, "/v1/api-keys", bearer: adminToken, json: ["name": "x"]).status == .created)

            // Both see the same org; only the admin lists members.
            let orgs = try await app.request(.get, "/v1/orgs", bearer: adminToken)
            let org = try #require(orgs.data.arrayValue?.first)
            #expect(org["external_id"] == .string(orgA))
            let orgID = try #require(org["id"]?.stringValue)
            #expect(try await app.request(.get, "/v1/orgs/\(orgID)", bearer: memberToken).data["role"] == "member")
            let members = try await app.request(.get, "/v1/orgs/\(orgID)/members", bearer: adminToken)
            #expect(members.status == .ok)
            #expect(Set(members.data.arrayValue?.compactMap { $0["external_id"]?.stringValue } ?? []) == [admin, member])
            #expect(try await app.request(.get, "/v1/orgs/\(orgID)/members", bearer: memberToken).status == .forbidden)

            // A user of org B never sees org A's agents or the org itself.
            #expect(try await app.request(.get, "/v1/agents", bearer: outsiderToken).data.arrayValue?.isEmpty == true)
            #expect(try await app.request(.get, "/v1/agents/\(agentID)", bearer: outsiderToken).status == .notFound)
            #expect(try await app.request(.delete, "/v1/agents/\(agentID)", bearer: outsiderToken).status == .notFound)
            #expect(try await app.request(.get, "/v1/orgs/\(orgID)", bearer: outsiderToken).status == .notFound)
            #expect(try await app.request(.get, "/v1/orgs/\(orgID)/members", bearer: outsiderToken).status == .notFound)
            #expect(try await app.request(.get, "/v1/agents", bearer: adminToken).data.arrayValue?.count == 1)
        }
    }

    @Test(arguments: TestBackend.available)
    func withoutClerkConfigurationJWTsAreRefusedAndKeysWork(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let key = TestSessionKey.newRSA()
            let token = key.token(kid: "k", payload: SessionClaimsFixture.payload(sub: Self.user(), now: app.clock.now()))
            #expect(try await app.request(.get, "/v1/agents", bearer: token).status == .unauthorized)
            let tenant = try await app.tenant()
            #expect(try await app.request(.get, "/v1/agents", bearer: tenant.key).status == .ok)
            let orgs = try await app.request(.get, "/v1/orgs", key: tenant.key)
            #expect(orgs.data.arrayValue?.map { $0["id"] } == [.string(tenant.org.id)])
        }
    }
}

@Suite struct ClerkConfigTests {
    static let base = ["ENVIRONMENT": "production", "CA_ISSUER_URL": "https://registry.example.com"]

    static func error(_ extra: [String: String]) -> ConfigError? {
        do {
            _ = try AppConfig.fromEnvironment(base.merging(extra) { $1 })
            return nil
        } catch let error as ConfigError {
            return error
        } catch {
            return nil
        }
    }

    @Test func misconfigurationStopsStartUpNamingTheVariable() {
        let pem = TestSessionKey.newRSA().publicPEM
        #expect(Self.error(["CLERK_JWT_KEY": "not a pem"])?.variable == "CLERK_JWT_KEY")
        #expect(Self.error(["CLERK_JWT_KEY": "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"])?.variable == "CLERK_JWT_KEY")
        #expect(Self.error(["CLERK_JWKS_URL": "http://clerk.example.com/.well-known/jwks.json", "CLERK_ISSUER": "https://clerk.example.com"])?.variable == "CLERK_JWKS_URL")
        #expect(Self.error(["CLERK_JWKS_URL": "https://clerk.example.com:8443/jwks", "CLERK_ISSUER": "https://clerk.example.com"])?.variable == "CLERK_JWKS_URL")
        #expect(Self.error(["CLERK_JWT_KEY": pem, "CLERK_ISSUER": "https://c.example", "CLERK_WEBHOOK_SECRET": "secret"])?.variable == "CLERK_WEBHOOK_SECRET")
        #expect(Self.error(["CLERK_JWT_KEY": pem])?.variable == "CLERK_ISSUER")
        #expect(Self.error(["CLERK_WEBHOOK_SECRET": "whsec_c2VjcmV0"])?.variable == "CLERK_JWKS_URL")
        #expect(Self.error(["CLERK_JWT_KEY": pem, "CLERK_ISSUER": "https://c.example", "CLERK_WEBHOOK_SECRET": "whsec_c2VjcmV0"]) == nil)
        #expect(Self.error(["CLERK_JWKS_URL": "https://c.example/.well-known/jwks.json", "CLERK_ISSUER": "https://c.example"]) == nil)
    }

    /// `CLERK_SECRET_KEY` alone: the keys come from Clerk's Backend API (`CLERK_API_URL`, here a
    /// loopback stand-in) with the secret as a Bearer token; a wrong secret gets no keys.
    @Test(arguments: TestBackend.available)
    func secretKeyFetchesTheJWKSFromTheBackendAPI(backend: TestBackend) async throws {
        let key = TestSessionKey.newRSA()
        let host = DocumentHost()
        host.requiredAuthorization = "Bearer sk_test_right"
        let jwks: JSONValue = ["keys": [key.jwk(kid: "k1")]]
        host.serve("/v1/jwks", String(decoding: jwks.serialized(), as: UTF8.self), contentType: "application/json")
        try await host.run { port in
            for (secret, works) in [("sk_test_right", true), ("sk_test_wrong", false)] {
                let parsed = try AppConfig.fromEnvironment([
                    "CLERK_SECRET_KEY": secret, "CLERK_API_URL": "http://127.0.0.1:\(port)/", "INSIGNIA_DEV_ALLOW_LOOPBACK": "true",
                    "CLERK_ISSUER": SessionClaimsFixture.issuer,
                ])
                try await TestApp.run(backend, configure: { $0.sessionTokens = parsed.sessionTokens }, jwksFetcher: JWKSFetcher(allowLoopback: true)) { app in
                    let token = key.token(kid: "k1", payload: SessionClaimsFixture.payload(sub: ClerkSessionTests.user(), now: app.clock.now()))
                    let response = try await app.request(.get, "/v1/agents", bearer: token)
                    #expect((response.status == .ok) == works, "\(secret): \(response.status) \(response.text)")
                    #expect(!response.text.contains(secret), "the secret never appears in an answer")
                }
            }
        }
        #expect(host.requestCount == 2, "one fetch per server")
    }

    @Test func secretKeyConfiguration() throws {
        let config = try AppConfig.fromEnvironment(["CLERK_SECRET_KEY": "sk_live_abc", "CLERK_ISSUER": "https://c.example"])
        guard case .jwks(let url, let bearer) = config.sessionTokens?.keySource else {
            Issue.record("CLERK_SECRET_KEY did not configure a JWKS source")
            return
        }
        #expect(url == "https://api.clerk.com/v1/jwks" && bearer == "sk_live_abc")
        // CLERK_JWKS_URL and CLERK_JWT_KEY win over the Backend API.
        let explicit = try AppConfig.fromEnvironment([
            "CLERK_SECRET_KEY": "sk_live_abc", "CLERK_JWKS_URL": "https://c.example/.well-known/jwks.json", "CLERK_ISSUER": "https://c.example",
        ])
        guard case .jwks(let explicitURL, let none) = explicit.sessionTokens?.keySource else { Issue.record("no JWKS source"); return }
        #expect(explicitURL == "https://c.example/.well-known/jwks.json" && none == nil)
        #expect(Self.error(["CLERK_SECRET_KEY": "sk live", "CLERK_ISSUER": "https://c.example"])?.variable == "CLERK_SECRET_KEY")
        #expect(Self.error(["CLERK_SECRET_KEY": "sk\r\nX-Injected: 1", "CLERK_ISSUER": "https://c.example"])?.variable == "CLERK_SECRET_KEY")
        #expect(Self.error(["CLERK_SECRET_KEY": "sk_live_abc", "CLERK_API_URL": "http://api.clerk.example", "CLERK_ISSUER": "https://c.example"])?.variable == "CLERK_API_URL")
        #expect(Self.error(["CLERK_SECRET_KEY": "sk_live_abc", "CLERK_API_URL": "http://127.0.0.1:9", "CLERK_ISSUER": "https://c.example"])?.variable == "CLERK_API_URL", "loopback only in development with INSIGNIA_DEV_ALLOW_LOOPBACK")
    }

    @Test func clerkIsOffByDefaultAndReadWhenSet() throws {
        #expect(try AppConfig.fromEnvironment([:]).sessionTokens == nil)
        #expect(try AppConfig.fromEnvironment([:]).clerkWebhook == nil)
        let config = try AppConfig.fromEnvironment([
            "CLERK_JWKS_URL": "http://127.0.0.1:9/jwks.json", "INSIGNIA_DEV_ALLOW_LOOPBACK": "true",
            "CLERK_AUTHORIZED_PARTIES": "https://a.example, https://b.example,",
        ])
        #expect(config.sessionTokens?.authorizedParties == ["https://a.example", "https://b.example"])
        #expect(throws: ConfigError.self) { try AppConfig.fromEnvironment(["CLERK_JWKS_URL": "http://127.0.0.1:9/jwks.json"]) }
    }
}
