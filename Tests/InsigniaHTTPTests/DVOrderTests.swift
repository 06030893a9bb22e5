import BadgeCore
import Foundation
import HTTPTypes
import Outbound
import Registry
import StoreConformance
import Testing

extension TestApp {
    func order(_ body: JSONValue, key: String? = nil) async throws -> TestResult {
        try await request(.post, "/v1/badges/dv/orders", key: key, json: body)
    }

    func finalize(_ id: String, key: String? = nil) async throws -> TestResult {
        try await request(.post, "/v1/badges/dv/orders/\(id)/finalize", key: key)
    }
}

extension TestApp {
    /// A grant-endpoint PoP proof (CONTRACT.md §5.5) signed by `key`, carrying it as header `jwk`.
    func grantProof(_ key: PrivateJWK, method: String, path: String, edit: (inout [String: JSONValue], inout [String: JSONValue]) -> Void = { _, _ in }) async throws -> String {
        let now = clock.now()
        var header: [String: JSONValue] = ["alg": "EdDSA", "typ": "pop+jwt", "jwk": key.publicKey.json]
        var payload: [String: JSONValue] = [
            "htm": .string(method), "htu": .string(config.issuerURL + path), "aud": .string(config.issuerURL),
            "iat": .int(now), "exp": .int(now + 60), "jti": .string(UUID().uuidString),
        ]
        edit(&header, &payload)
        return try await JWS.sign(header: .object(header), payload: .object(payload), signer: Ed25519Signer(key: key))
    }
}

/// An agent key pair as a DV order sends it.
struct DVKey {
    let key = PrivateJWK.generate(kid: "agent")
    var publicJSON: JSONValue { key.publicKey.json(kid: "key-1", alg: true, use: true) }
    /// The CLI sends the private JWK file as is.
    var privateJSON: JSONValue { key.json() }
    var thumbprint: String { key.publicKey.thumbprint() }
}

@Suite struct DVOrderTests {
    @Test(arguments: TestBackend.available)
    func ordersAreCreatedInTheUnionShape(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let key = DVKey()
            let http = try await app.order(["domain": "Agent.Example.com", "challenge_type": "http-01", "jwk": key.publicJSON])
            #expect(http.status == .created, "\(http.text)")
            let body = http.json
            let id = try #require(body["id"]?.stringValue)
            #expect(body["order_id"]?.stringValue == id)
            #expect(body["domain"] == "agent.example.com" && body["status"] == "pending" && body["challenge_type"] == "http-01")
            #expect(body["agent_key_thumbprint"]?.stringValue == key.thumbprint)
            let token = try #require(body["challenge"]?["token"]?.stringValue)
            #expect(token.count == 43)
            #expect(body["challenge"]?["url"]?.stringValue == "http://agent.example.com/.well-known/capiscio-challenge/\(token)")
            #expect(body["challenge"]?["expected_content"]?.stringValue == "\(token).\(key.thumbprint)")
            #expect(body["challenge"]?["type"] == "http-01" && body["challenge"]?["status"] == "pending")
            let created = try #require(try await app.store.dvOrder(id: id))
            #expect(created.expiresAt - created.createdAt == 600 && created.orgID == nil)

            // Keyed dns-01 with the private JWK (CLI): accepted, the private part is never kept or echoed.
            let tenant = try await app.tenant()
            let dns = try await app.order(["domain": "dns.example.com", "challenge_type": "dns-01", "agent_public_key_jwk": key.privateJSON], key: tenant.key)
            #expect(dns.status == .created, "\(dns.text)")
            #expect(dns.json["challenge"]?["url"] == nil)
            #expect(dns.json["challenge"]?["record_name"] == "_capiscio-challenge.dns.example.com")
            let d = try #require(key.privateJSON["d"]?.stringValue)
            #expect(!dns.text.contains(d))
            let stored = try #require(try await app.store.dvOrder(id: dns.json["id"]!.stringValue!))
            #expect(stored.orgID == tenant.org.id && stored.expiresAt - stored.createdAt == 1800)
            let events = try await app.request(.get, "/v1/events?type=dv.order.created", key: tenant.key)
            #expect(events.data.arrayValue?.count == 1 && !events.text.contains(d))

            // GET, with expiry evaluated on read.
            let read = try await app.request(.get, "/v1/badges/dv/orders/\(id)")
            #expect(read.status == .ok && read.json["id"]?.stringValue == id && read.json["status"] == "pending")
            app.clock.advance(601)
            #expect(try await app.request(.get, "/v1/badges/dv/orders/\(id)").json["status"] == "expired")
            let expired = try await app.finalize(id)
            #expect(expired.status == .badRequest && expired.errorCode == "ORDER_EXPIRED")
            for missing in [UUID().uuidString.lowercased(), "not-a-uuid"] {
                let response = try await app.request(.get, "/v1/badges/dv/orders/\(missing)")
                #expect(response.status == .notFound && response.errorCode == "ORDER_NOT_FOUND")
                #expect(try await app.finalize(missing).errorCode == "ORDER_NOT_FOUND")
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func badOrdersAreRejectedWithTheirCodes(backend: TestBackend) async throws {
        // Live: the per-client-address limit needs the peer address a socket gives.
        try await TestApp.run(backend, transport: .live) { app in
            let jwk = DVKey().publicJSON
            func code(_ body: JSONValue, key: String? = nil) async throws -> (Int, String?) {
                let response = try await app.order(body, key: key)
                return (Int(response.status.code), response.errorCode)
            }
            for domain: JSONValue in ["http://a.example.com", "a.example.com:80", "a.example.com/x", "*.example.com", "a.example.com.",
                                      "192.0.2.1", "localhost", "bücher.example", 42, nil] {
                #expect(try await code(["domain": domain, "challenge_type": "http-01", "jwk": jwk]) == (400, "INVALID_DOMAIN"), "\(domain)")
            }
            #expect(try await code(["domain": "a.example.com", "challenge_type": "invalid-challenge", "jwk": jwk]) == (400, "UNSUPPORTED_CHALLENGE"))
            #expect(try await code(["domain": "a.example.com", "jwk": jwk]) == (400, "UNSUPPORTED_CHALLENGE"))
            for key: JSONValue in [nil, "x", ["kty": "OKP", "crv": "X25519", "x": jwk["x"]!], ["kty": "OKP", "crv": "Ed25519", "x": "AAAA"],
                                   ["kty": "EC", "crv": "P-256", "x": jwk["x"]!]] {
                #expect(try await code(["domain": "a.example.com", "challenge_type": "dns-01", "jwk": key]) == (400, "INVALID_KEY"), "\(key)")
            }
            #expect(try await code(["domain": "a.example.com", "challenge_type": "dns-01", "jwk": jwk], key: "sk_bogus") == (401, "unauthorized"))

            // Five outstanding per domain, twenty per client address.
            for _ in 0..<5 { #expect(try await code(["domain": "busy.example.com", "challenge_type": "dns-01", "jwk": jwk]) == (201, nil)) }
            let sixth = try await app.order(["domain": "busy.example.com", "challenge_type": "dns-01", "jwk": jwk])
            #expect(sixth.status == .tooManyRequests && sixth.errorCode == "RATE_LIMIT_EXCEEDED" && sixth.headers[.retryAfter] != nil)
            for i in 0..<15 { #expect(try await code(["domain": .string("d\(i).example.com"), "challenge_type": "dns-01", "jwk": jwk]) == (201, nil)) }
            #expect(try await code(["domain": "one-more.example.com", "challenge_type": "dns-01", "jwk": jwk]) == (429, "RATE_LIMIT_EXCEEDED"))
        }
    }

    /// HTTP-01 against a loopback web server (development switch), keyed to an org: the level-2
    /// gate opens for that org's agent on that domain, and the domain is claimed.
    @Test(arguments: TestBackend.available)
    func http01FinalizeIssuesAGrantAndOpensLevel2(backend: TestBackend) async throws {
        let host = DocumentHost()
        try await host.run { port in
            let validator = DomainValidator(dns: nil, acceptBareToken: false, allowLoopback: true, developmentHTTPPort: port)
            try await TestApp.run(backend, configure: { $0.allowLoopbackFetch = true; $0.devDVHTTPPort = port }, domainValidator: validator) { app in
                let tenant = try await app.tenant()
                let agentID = try await app.keyedAgent(tenant, domain: "agent.example.com")
                #expect(try await app.issue(tenant, agentID, ["trustLevel": "2"]).errorCode == "DOMAIN_NOT_VERIFIED")

                let key = DVKey()
                let created = try await app.order(["domain": "agent.example.com", "challenge_type": "http-01", "jwk": key.publicJSON], key: tenant.key)
                let id = try #require(created.json["id"]?.stringValue)
                let token = try #require(created.json["challenge"]?["token"]?.stringValue)

                // Nothing published yet: CHALLENGE_FAILED, order stays pending.
                let failed = try await app.finalize(id, key: tenant.key)
                #expect(failed.status == .badRequest && failed.errorCode == "CHALLENGE_FAILED", "\(failed.text)")
                #expect(try await app.request(.get, "/v1/badges/dv/orders/\(id)").json["status"] == "pending")
                // The bare token is refused by default.
                host.serve("/.well-known/capiscio-challenge/\(token)", token, contentType: "text/plain")
                #expect(try await app.finalize(id, key: tenant.key).errorCode == "CHALLENGE_FAILED")
                // Keyed orders need the same org's key.
                #expect(try await app.finalize(id).status == .unauthorized)
                let other = try await app.tenant()
                #expect(try await app.finalize(id, key: other.key).status == .forbidden)

                host.serve("/.well-known/capiscio-challenge/\(token)", "\(token).\(key.thumbprint)\n", contentType: "text/plain")
                let done = try await app.finalize(id, key: tenant.key)
                #expect(done.status == .ok, "\(done.text)")
                #expect(done.json["status"] == "valid" && done.json["order_id"]?.stringValue == id)
                let grant = try #require(done.json["grant"]?.stringValue)
                let jti = try #require(done.json["grant_jti"]?.stringValue)
                #expect(jti.hasPrefix("grant-"))
                // The grant's log index, as the public lookup finds it.
                let logIndex = try #require(done.json["log_index"]?.intValue)
                let entries = try await app.request(.get, "/v1/tlog/entries?jti=\(jti)").json["entries"]?.arrayValue ?? []
                #expect(entries.count == 1 && entries.first?["index"]?.intValue == logIndex && entries.first?["type"] == "dv_grant")

                // The grant verifies under the published JWKS key and carries the §5.3 claims.
                let jws = try CompactJWS.parse(grant)
                #expect(jws.header["typ"] == "capiscio.dvgrant+jwt" && jws.header["alg"] == "EdDSA")
                let jwks = try await app.request(.get, "/.well-known/jwks.json").json["keys"]?.arrayValue ?? []
                let published = try #require(jwks.first { $0["kid"] == jws.header["kid"] })
                #expect(jws.verify(with: try PublicJWK(json: published)))
                let claims = jws.payload
                #expect(claims["sub"] == "agent.example.com" && claims["aud"] == "capiscio:mint" && claims["iss"] == "https://registry.test.example")
                #expect(claims["cnf"]?["jkt"]?.stringValue == key.thumbprint && claims["jti"]?.stringValue == jti)
                let iat = try #require(claims["iat"]?.intValue)
                let exp = try #require(claims["exp"]?.intValue)
                #expect(exp - iat == 90 * 86_400 && iat == app.clock.now())

                // Idempotent; status shows the grant; evidence and audit recorded.
                let again = try await app.finalize(id, key: tenant.key)
                #expect(again.status == .ok && again.json["grant"]?.stringValue == grant && again.json["log_index"]?.intValue == logIndex)
                let read = try await app.request(.get, "/v1/badges/dv/orders/\(id)").json
                #expect(read["status"] == "valid" && read["grant_jti"]?.stringValue == jti && read["finalized_at"]?.stringValue != nil)
                let order = try #require(try await app.store.dvOrder(id: id))
                #expect(order.validatedVia == "http-01" && order.validatedTarget?.hasSuffix("/.well-known/capiscio-challenge/\(token)") == true)
                #expect(order.failedAttempts == 2)
                let events = try await app.request(.get, "/v1/events?type=dv.order.validated", key: tenant.key).data.arrayValue ?? []
                #expect(events.count == 1)

                // Level 2 now issues for this org's agent on exactly this domain.
                let badge = try await app.issue(tenant, agentID, ["trustLevel": "2"])
                #expect(badge.status == .ok, "\(badge.text)")
                #expect(try await app.validate(badge.data["token"]!.stringValue!)["valid"] == true)
                let sibling = try await app.keyedAgent(tenant, domain: "other.example.com")
                #expect(try await app.issue(tenant, sibling, ["trustLevel": "2"]).errorCode == "DOMAIN_NOT_VERIFIED")
                let otherAgent = try await app.keyedAgent(other, domain: "agent.example.com")
                #expect(try await app.issue(other, otherAgent, ["trustLevel": "2"]).errorCode == "DOMAIN_NOT_VERIFIED")

                // Another org cannot start keyed validation of the claimed domain; the holder can.
                let claimed = try await app.order(["domain": "agent.example.com", "challenge_type": "dns-01", "jwk": key.publicJSON], key: other.key)
                #expect(claimed.status == .conflict && claimed.errorCode == "DOMAIN_CLAIMED")
                #expect(try await app.order(["domain": "agent.example.com", "challenge_type": "dns-01", "jwk": key.publicJSON], key: tenant.key).status == .created)
                #expect(host.requestCount >= 3)
            }
        }
    }

    /// DNS-01 against a loopback DNS responder, through a CNAME, with a multi-string TXT record;
    /// with the transparency log off, so the answer has no log index.
    @Test(arguments: TestBackend.available)
    func dns01FinalizeThroughALoopbackResponder(backend: TestBackend) async throws {
        let responder = DNSResponder()
        try await responder.run { port in
            let dns = DNSClient(resolver: IPAddress("127.0.0.1")!, port: port, timeout: .seconds(2))
            let validator = DomainValidator(dns: dns, acceptBareToken: false, allowLoopback: true)
            try await TestApp.run(backend, configure: { $0.log.enabled = false }, domainValidator: validator) { app in
                let key = DVKey()
                let created = try await app.order(["domain": "dns.example.com", "challenge_type": "dns-01", "jwk": key.publicJSON])
                let id = try #require(created.json["id"]?.stringValue)
                let token = try #require(created.json["challenge"]?["token"]?.stringValue)

                let missing = try await app.finalize(id)
                #expect(missing.errorCode == "CHALLENGE_FAILED", "\(missing.text)")
                responder.alias("_capiscio-challenge.dns.example.com", to: "delegated.dv.example.net")
                responder.publish("delegated.dv.example.net", ["unrelated"])
                #expect(try await app.finalize(id).errorCode == "CHALLENGE_FAILED")
                responder.publish("delegated.dv.example.net", [token + ".", key.thumbprint])
                let done = try await app.finalize(id)
                #expect(done.status == .ok, "\(done.text)")
                #expect(try CompactJWS.parse(done.json["grant"]!.stringValue!).payload["sub"] == "dns.example.com")
                #expect(done.json["log_index"] == nil)
                let order = try #require(try await app.store.dvOrder(id: id))
                #expect(order.validatedVia == "dns-01" && order.validatedTarget == "_capiscio-challenge.dns.example.com" && order.orgID == nil)
                #expect(responder.queryCount >= 3)
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func tenFailuresMakeAnOrderInvalid(backend: TestBackend) async throws {
        let responder = DNSResponder()
        try await responder.run { port in
            let validator = DomainValidator(dns: DNSClient(resolver: IPAddress("127.0.0.1")!, port: port, timeout: .seconds(2)), acceptBareToken: false, allowLoopback: true)
            try await TestApp.run(backend, domainValidator: validator) { app in
                let created = try await app.order(["domain": "fail.example.com", "challenge_type": "dns-01", "jwk": DVKey().publicJSON])
                let id = try #require(created.json["id"]?.stringValue)
                for _ in 0..<10 { #expect(try await app.finalize(id).errorCode == "CHALLENGE_FAILED") }
                #expect(try await app.request(.get, "/v1/badges/dv/orders/\(id)").json["status"] == "invalid")
                #expect(try await app.finalize(id).errorCode == "ORDER_INVALID")
            }
        }
    }

    /// Grant status and revoke with PoP proofs; a revoked grant closes the level-2 gate again.
    @Test(arguments: TestBackend.available)
    func grantStatusAndRevokeNeedAProofByTheGrantKey(backend: TestBackend) async throws {
        let responder = DNSResponder()
        try await responder.run { port in
            let validator = DomainValidator(dns: DNSClient(resolver: IPAddress("127.0.0.1")!, port: port, timeout: .seconds(2)), acceptBareToken: false, allowLoopback: true)
            try await TestApp.run(backend, domainValidator: validator) { app in
                let tenant = try await app.tenant()
                let agentID = try await app.keyedAgent(tenant, domain: "grant.example.com")
                let key = DVKey()
                let created = try await app.order(["domain": "grant.example.com", "challenge_type": "dns-01", "jwk": key.publicJSON], key: tenant.key)
                let id = try #require(created.json["id"]?.stringValue)
                responder.publish("_capiscio-challenge.grant.example.com", [try #require(created.json["challenge"]?["expected_content"]?.stringValue)])
                let jti = try #require(try await app.finalize(id, key: tenant.key).json["grant_jti"]?.stringValue)
                #expect(try await app.issue(tenant, agentID, ["trustLevel": "2"]).status == .ok)

                let statusPath = "/v1/badges/dv/grants/\(jti)/status"
                let ok = try await app.request(.get, statusPath, bearer: try await app.grantProof(key.key, method: "GET", path: statusPath))
                #expect(ok.status == .ok, "\(ok.text)")
                #expect(ok.json["jti"]?.stringValue == jti && ok.json["domain"] == "grant.example.com" && ok.json["status"] == "valid")
                #expect(ok.json["revoked_at"] == .null)
                let alias = "/v1/grants/\(jti)/status"
                #expect(try await app.request(.get, alias, bearer: try await app.grantProof(key.key, method: "GET", path: alias)).status == .ok)

                // Every proof failure looks like an unknown grant.
                let stranger = PrivateJWK.generate(kid: "x")
                let replayed = try await app.grantProof(key.key, method: "GET", path: statusPath)
                _ = try await app.request(.get, statusPath, bearer: replayed)
                for bearer in [
                    nil, "not-a-jws", try await app.grantProof(stranger, method: "GET", path: statusPath), replayed,
                    try await app.grantProof(key.key, method: "POST", path: statusPath),
                    try await app.grantProof(key.key, method: "GET", path: "/v1/badges/dv/grants/other/status"),
                    try await app.grantProof(key.key, method: "GET", path: statusPath) { header, _ in header["typ"] = "JWT" },
                    try await app.grantProof(key.key, method: "GET", path: statusPath) { _, payload in payload["iat"] = .int(app.clock.now() - 600) },
                    try await app.grantProof(key.key, method: "GET", path: statusPath) { _, payload in payload["aud"] = "https://elsewhere.example" },
                ] {
                    let response = try await app.request(.get, statusPath, bearer: bearer)
                    #expect(response.status == .notFound && response.errorCode == "GRANT_NOT_FOUND", "\(response.text)")
                }
                let unknown = "/v1/badges/dv/grants/grant-\(UUID().uuidString.lowercased())/status"
                #expect(try await app.request(.get, unknown, bearer: try await app.grantProof(key.key, method: "GET", path: unknown)).errorCode == "GRANT_NOT_FOUND")

                // Revoke: a wrong key is 401, the right one revokes once.
                let revokePath = "/v1/badges/dv/grants/\(jti)/revoke"
                let wrong = try await app.request(.post, revokePath, bearer: try await app.grantProof(stranger, method: "POST", path: revokePath))
                #expect(wrong.status == .unauthorized && wrong.errorCode == "POP_VERIFICATION_FAILED")
                let revoked = try await app.request(.post, revokePath, bearer: try await app.grantProof(key.key, method: "POST", path: revokePath))
                #expect(revoked.status == .ok && revoked.json["status"] == "revoked" && revoked.json["revoked_at"]?.stringValue != nil, "\(revoked.text)")
                let again = try await app.request(.post, revokePath, bearer: try await app.grantProof(key.key, method: "POST", path: revokePath))
                #expect(again.status == .conflict && again.errorCode == "GRANT_ALREADY_REVOKED")
                let after = try await app.request(.get, statusPath, bearer: try await app.grantProof(key.key, method: "GET", path: statusPath))
                #expect(after.json["status"] == "revoked")
                #expect(try await app.issue(tenant, agentID, ["trustLevel": "2"]).errorCode == "DOMAIN_NOT_VERIFIED")
                let events = try await app.request(.get, "/v1/events?type=dv.grant.revoked", key: tenant.key).data.arrayValue ?? []
                #expect(events.count == 1)
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func grantLookupsAreRateLimited(backend: TestBackend) async throws {
        try await TestApp.run(backend, configure: { $0.dvPolicy.grantLookupRate = .perMinute(3) }) { app in
            for _ in 0..<3 { #expect(try await app.request(.get, "/v1/badges/dv/grants/grant-x/status").status == .notFound) }
            let limited = try await app.request(.get, "/v1/badges/dv/grants/grant-x/status")
            #expect(limited.status == .tooManyRequests && limited.errorCode == "RATE_LIMIT_EXCEEDED")
        }
    }
}
