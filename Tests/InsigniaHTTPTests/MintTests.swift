import BadgeCore
import Foundation
import HTTPTypes
import InsigniaApp
import InsigniaHTTP
import Outbound
import Registry
import StoreConformance
import Testing

/// Fetches `https://<domain>/…` from the loopback document host instead (tests never leave
/// 127.0.0.1): the resolver under test still checks scheme mapping, media type and document id.
struct LoopbackDomainFetcher: OutboundFetching {
    let domain: String
    let port: Int
    let inner = SafeHTTPFetcher()

    func get(_ url: String, policy: FetchPolicy) async throws(FetchError) -> FetchResponse {
        var target = url
        let prefix = "https://\(domain)/"
        if url.hasPrefix(prefix) { target = "http://127.0.0.1:\(port)/" + url.dropFirst(prefix.count) }
        return try await inner.get(target, policy: .didDocument(allowLoopback: true))
    }
}

/// A validated domain, its grant, and an agent whose did:web document (two keys) is served on loopback.
struct MintFixture: Sendable {
    static let domain = "mint.example.com"
    static let did = "did:web:mint.example.com:agents:billing"
    let app: TestApp
    let host: DocumentHost
    /// The grant's key (`cnf.jkt`): method `#key-1`.
    let agent: DVKey
    /// A second key of the document (`#key-2`), not bound to the grant.
    let other: DVKey
    let grant: String
    let grantJTI: String

    var mintURL: String { app.config.issuerURL + "/v1/badges/mint" }

    /// A mint proof signed by `key`, header `kid` = `kid`, with `edit` applied first.
    func proof(_ key: PrivateJWK, kid: String? = "#key-1", edit: (inout [String: JSONValue], inout [String: JSONValue]) -> Void = { _, _ in }) async throws -> String {
        let now = app.clock.now()
        var header: [String: JSONValue] = ["alg": "EdDSA", "typ": "pop+jwt"]
        if let kid { header["kid"] = .string(Self.did + kid) }
        var payload: [String: JSONValue] = [
            "aud": .string(mintURL), "htu": .string(mintURL), "htm": "POST", "iat": .int(now), "exp": .int(now + 60),
            "jti": .string(UUID().uuidString),
        ]
        edit(&header, &payload)
        return try await JWS.sign(header: .object(header), payload: .object(payload), signer: Ed25519Signer(key: key))
    }

    /// A grant signed by the CA's active key with `edit` applied to header and payload.
    func caSigned(edit: (inout [String: JSONValue], inout [String: JSONValue]) -> Void) async throws -> String {
        let jws = try CompactJWS.parse(grant)
        var header = jws.header.objectValue ?? [:]
        var payload = jws.payload.objectValue ?? [:]
        edit(&header, &payload)
        let (_, signer) = try await app.ca.activeSigner()
        return try await JWS.sign(header: .object(header), payload: .object(payload), signer: signer)
    }

    static let defaultRequest: JSONValue = ["sub": .string(did), "aud": "https://partner.example", "exp_seconds": 600]

    func mint(grant: String? = nil, proof: String? = nil, proofKey: String = "proof", _ request: JSONValue = defaultRequest) async throws -> TestResult {
        var body: [String: JSONValue] = ["grant": .string(grant ?? self.grant), "badge_request": request]
        var signed = proof
        if signed == nil { signed = try await self.proof(agent.key) }
        body[proofKey] = .string(signed!)
        return try await app.request(.post, "/v1/badges/mint", json: .object(body))
    }

    /// Runs `body` with an http-01-validated grant for ``domain`` (bound to `tenant` when given).
    static func run(
        _ backend: TestBackend, keyed: Bool = false, configure: @escaping @Sendable (inout AppConfig) -> Void = { _ in },
        _ body: @Sendable (MintFixture, TestTenant?) async throws -> Void
    ) async throws {
        let host = DocumentHost()
        try await host.run { port in
            let validator = DomainValidator(dns: nil, acceptBareToken: false, allowLoopback: true, developmentHTTPPort: port)
            let resolver = DIDWebResolver(fetcher: LoopbackDomainFetcher(domain: domain, port: port), allowLoopback: true, cacheSeconds: 0)
            try await TestApp.run(backend, configure: configure, remoteDIDResolver: resolver, domainValidator: validator) { app in
                let agent = DVKey()
                let other = DVKey()
                let document = DIDDocument(
                    id: did,
                    verificationMethods: [
                        VerificationMethod(id: did + "#key-1", controller: did, publicKey: agent.key.publicKey),
                        VerificationMethod(id: did + "#key-2", controller: did, publicKey: other.key.publicKey),
                    ],
                    authentication: [did + "#key-1", did + "#key-2"]
                )
                host.serve("/agents/billing/did.json", String(decoding: document.json().serialized(), as: UTF8.self))
                let tenant = keyed ? try await app.tenant() : nil
                let created = try await app.order(["domain": .string(domain), "challenge_type": "http-01", "jwk": agent.publicJSON], key: tenant?.key)
                let id = try #require(created.json["id"]?.stringValue)
                let token = try #require(created.json["challenge"]?["token"]?.stringValue)
                host.serve("/.well-known/capiscio-challenge/\(token)", "\(token).\(agent.thumbprint)", contentType: "text/plain")
                let done = try await app.finalize(id, key: tenant?.key)
                #expect(done.status == .ok, "\(done.text)")
                let fixture = MintFixture(
                    app: app, host: host, agent: agent, other: other, grant: try #require(done.json["grant"]?.stringValue),
                    grantJTI: try #require(done.json["grant_jti"]?.stringValue)
                )
                try await body(fixture, tenant)
            }
        }
    }
}

func expectCode(_ response: TestResult, _ status: HTTPResponse.Status, _ code: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(response.status == status && response.errorCode == code, "\(response.status) \(response.text)", sourceLocation: sourceLocation)
}

@Suite struct MintTests {
    /// DV order → http-01 finalize → grant → proof by the did:web key → mint → the badge verifies,
    /// its status is live and its subject reports active; revoking it (the grant's org) ends both.
    @Test(arguments: TestBackend.available)
    func mintedBadgeVerifiesAndIsLive(backend: TestBackend) async throws {
        try await MintFixture.run(backend, keyed: true) { fx, tenant in
            let app = fx.app
            let tenant = try #require(tenant)
            let response = try await fx.mint(proofKey: "proof_jws")
            #expect(response.status == .ok, "\(response.text)")
            #expect(response.json.objectValue?.keys.sorted() == ["badge", "expires_at", "jti", "log_index"])
            let token = try #require(response.json["badge"]?.stringValue)
            let jti = try #require(response.json["jti"]?.stringValue)
            #expect(response.json["log_index"] == .int(try await app.store.logEntries(jti: jti).first?.index ?? -1), "its log index")
            let claims = try CompactJWS.parse(token).payload
            #expect(claims["sub"]?.stringValue == MintFixture.did && claims["jti"]?.stringValue == jti)
            #expect(claims["ial"] == "1" && claims["cnf"]?["kid"]?.stringValue == MintFixture.did + "#key-1")
            #expect(claims["key"]?["x"] == fx.agent.key.publicKey.json["x"])
            #expect(claims["aud"] == ["https://partner.example"])
            let subject = claims["vc"]?["credentialSubject"]
            #expect(subject?["level"] == "2" && subject?["issuance_profile"] == "anonymous_dv" && subject?["domain"] == .string(MintFixture.domain))
            #expect(claims["exp"]?.intValue == (claims["iat"]?.intValue ?? 0) + 600)
            #expect(response.json["expires_at"]?.stringValue != nil)

            let validated = try await app.validate(token)
            #expect(validated["valid"] == true, "\(validated)")
            let status = try await app.request(.get, "/v1/badges/\(jti)/status")
            #expect(status.status == .ok && status.json["revoked"] == false)
            let agentStatus = try await app.request(.get, "/v1/agents/billing/status")
            #expect(agentStatus.status == .ok, "\(agentStatus.text)")
            #expect(agentStatus.json["id"] == "billing" && agentStatus.json["did"]?.stringValue == MintFixture.did && agentStatus.json["status"] == "active")
            #expect(try await app.request(.get, "/v1/agents/\(MintFixture.did)/status").json["status"] == "active")
            let events = try await app.request(.get, "/v1/events?type=badge.minted", key: tenant.key).data.arrayValue ?? []
            #expect(events.count == 1 && events.first?["subject"]?.stringValue == jti)
            #expect(try await app.store.badge(jti: jti)?.orgID == tenant.org.id)

            // The owning org revokes it: verification, status and agent status all follow.
            let revoked = try await app.request(.post, "/v1/badges/\(jti)/revoke", key: tenant.key, json: ["reason": "test"])
            #expect(revoked.status == .ok, "\(revoked.text)")
            #expect(try await app.validate(token)["valid"] == false)
            #expect(try await app.request(.get, "/v1/badges/\(jti)/status").json["revoked"] == true)
            #expect(try await app.request(.get, "/v1/agents/billing/status").status == .notFound)
        }
    }

    /// Anonymous grants: the badge lands under the anonymous org; a `kid` naming a method that does
    /// not verify falls back to every method; a string `aud` becomes an array; TTL is clamped.
    @Test(arguments: TestBackend.available)
    func anonymousMintFallsBackToEveryMethod(backend: TestBackend) async throws {
        try await MintFixture.run(backend) { fx, _ in
            let response = try await fx.mint(proof: try await fx.proof(fx.agent.key, kid: "#key-2"), ["sub": .string(MintFixture.did), "aud": "https://one.example", "exp_seconds": 99999])
            #expect(response.status == .ok, "\(response.text)")
            let claims = try CompactJWS.parse(try #require(response.json["badge"]?.stringValue)).payload
            #expect(claims["cnf"]?["kid"]?.stringValue == MintFixture.did + "#key-1" && claims["aud"] == ["https://one.example"])
            #expect(claims["exp"]?.intValue == (claims["iat"]?.intValue ?? 0) + 3600)
            let noKid = try await fx.mint(proof: try await fx.proof(fx.agent.key, kid: nil), ["sub": .string(MintFixture.did)])
            #expect(noKid.status == .ok, "\(noKid.text)")
            let short = try CompactJWS.parse(try #require(noKid.json["badge"]?.stringValue)).payload
            #expect(short["exp"]?.intValue == (short["iat"]?.intValue ?? 0) + 300 && short["aud"] == nil)
            let jti = try #require(response.json["jti"]?.stringValue)
            #expect(try await fx.app.store.badge(jti: jti)?.orgID == MintService.anonymousOrgID)
            #expect(try await fx.app.validate(try #require(noKid.json["badge"]?.stringValue))["valid"] == true)
        }
    }

    /// Phase 1: each grant check fails on its own.
    @Test(arguments: TestBackend.available)
    func grantChecksFailWithTheirCodes(backend: TestBackend) async throws {
        try await MintFixture.run(backend) { fx, _ in
            let now = fx.app.clock.now()
            expectCode(try await fx.mint(grant: "not-a-jws"), .badRequest, "INVALID_GRANT")
            expectCode(try await fx.mint(grant: try await fx.caSigned { header, _ in header["typ"] = "JWT" }), .badRequest, "INVALID_GRANT")
            // Signed by another key (same claims, same kid).
            let parts = fx.grant.split(separator: ".")
            let stranger = PrivateJWK.generate(kid: "x")
            let forged = try await JWS.sign(header: try CompactJWS.parse(fx.grant).header, payload: try CompactJWS.parse(fx.grant).payload, signer: Ed25519Signer(key: stranger))
            expectCode(try await fx.mint(grant: forged), .unauthorized, "GRANT_SIGNATURE_INVALID")
            expectCode(try await fx.mint(grant: "\(parts[0]).\(parts[1]).\(Base64URL.encode([UInt8](repeating: 0, count: 64)))"), .unauthorized, "GRANT_SIGNATURE_INVALID")
            expectCode(try await fx.mint(grant: try await fx.caSigned { _, payload in payload["aud"] = "capiscio:other" }), .badRequest, "GRANT_INVALID_AUD")
            expectCode(try await fx.mint(grant: try await fx.caSigned { _, payload in payload["iat"] = nil }), .badRequest, "GRANT_MISSING_IAT")
            expectCode(try await fx.mint(grant: try await fx.caSigned { _, payload in payload["iat"] = .int(now + 3600) }), .badRequest, "GRANT_MISSING_IAT")
            expectCode(try await fx.mint(grant: try await fx.caSigned { _, payload in payload["exp"] = .int(now - 1) }), .badRequest, "GRANT_EXPIRED")

            // Revoked through the grant endpoint (the same store mint reads).
            let path = "/v1/badges/dv/grants/\(fx.grantJTI)/revoke"
            let revoke = try await fx.app.request(.post, path, bearer: try await fx.app.grantProof(fx.agent.key, method: "POST", path: path))
            #expect(revoke.status == .ok)
            expectCode(try await fx.mint(), .forbidden, "GRANT_REVOKED")
        }
    }

    /// Phase 2: the DID anchor and the fields the CA derives itself.
    @Test(arguments: TestBackend.available)
    func badgeRequestChecksFailWithTheirCodes(backend: TestBackend) async throws {
        try await MintFixture.run(backend) { fx, _ in
            for sub in ["did:web:other.example.com:agents:billing", "did:web:sub.mint.example.com:agents:billing", "did:web:example.com",
                        "did:web:mint.example.com%3A8443:agents:billing", "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"] {
                expectCode(try await fx.mint(["sub": .string(sub)]), .badRequest, "DID_DOMAIN_MISMATCH")
            }
            for field in ["level", "domain", "issuance_profile"] {
                var request: [String: JSONValue] = ["sub": .string(MintFixture.did)]
                request[field] = "2"
                expectCode(try await fx.mint(.object(request)), .badRequest, "INVALID_REQUEST")
            }
            expectCode(try await fx.mint(["sub": .string(MintFixture.did), "aud": 5]), .badRequest, "INVALID_REQUEST")
            // Nothing was fetched for a request that failed before resolution.
            #expect(fx.host.requestCount == 1)
        }
    }

    /// Phases 3–6: proof structure and replay, resolution, key selection, grant binding.
    @Test(arguments: TestBackend.available)
    func proofChecksFailWithTheirCodes(backend: TestBackend) async throws {
        try await MintFixture.run(backend) { fx, _ in
            let now = fx.app.clock.now()
            let key = fx.agent.key
            let origin = fx.app.config.issuerURL
            let broken: [(inout [String: JSONValue], inout [String: JSONValue]) -> Void] = [
                { header, _ in header["typ"] = "JWT" },
                { _, payload in payload["aud"] = "https://elsewhere.example" },
                { _, payload in payload["htm"] = "GET" },
                { _, payload in payload["htu"] = .string(origin + "/v1/badges/other") },
                { _, payload in payload["iat"] = nil },
                { _, payload in payload["iat"] = .int(now + 120); payload["exp"] = .int(now + 150) },
                { _, payload in payload["jti"] = nil },
                { _, payload in payload["exp"] = .int(now + 120) },
            ]
            for edit in broken {
                expectCode(try await fx.mint(proof: try await fx.proof(key, edit: edit)), .unauthorized, "POP_VERIFICATION_FAILED")
            }
            expectCode(try await fx.mint(proof: "not-a-jws"), .unauthorized, "POP_VERIFICATION_FAILED")
            // The issuer origin is accepted as aud.
            #expect(try await fx.mint(proof: try await fx.proof(key) { _, payload in payload["aud"] = .string(origin) }).status == .ok)
            // Replay: the same proof twice.
            let once = try await fx.proof(key)
            #expect(try await fx.mint(proof: once).status == .ok)
            expectCode(try await fx.mint(proof: once), .unauthorized, "POP_VERIFICATION_FAILED")

            // Phase 4: no document.
            expectCode(try await fx.mint(["sub": "did:web:mint.example.com:agents:missing"]), .badGateway, "DID_RESOLUTION_FAILED")
            // Phase 5: signed by a key the document does not list.
            expectCode(try await fx.mint(proof: try await fx.proof(PrivateJWK.generate(kid: "s"))), .unauthorized, "POP_VERIFICATION_FAILED")
            // Phase 6: a key of the document, but not the grant's.
            expectCode(try await fx.mint(proof: try await fx.proof(fx.other.key, kid: "#key-2")), .badRequest, "KEY_MISMATCH")
        }
    }

    @Test(arguments: TestBackend.available)
    func mintIsRateLimitedPerClientAndPerGrant(backend: TestBackend) async throws {
        try await MintFixture.run(backend, configure: { $0.dvPolicy.mintPerGrant = RateLimit(limit: 2, windowSeconds: 3600) }) { fx, _ in
            #expect(try await fx.mint().status == .ok)
            #expect(try await fx.mint().status == .ok)
            let limited = try await fx.mint()
            expectCode(limited, .tooManyRequests, "RATE_LIMIT_EXCEEDED")
            #expect(limited.headers[.retryAfter] != nil)
        }
        try await MintFixture.run(backend, configure: { $0.dvPolicy.mintPerClient = .perMinute(1) }) { fx, _ in
            #expect(try await fx.mint().status == .ok)
            expectCode(try await fx.mint(grant: "x"), .tooManyRequests, "RATE_LIMIT_EXCEEDED")
        }
    }
}
