import BadgeCore
import CAKeys
import Registry
import StoreConformance
import Testing

@Suite struct VerificationAPITests {
    @Test(arguments: TestBackend.available, ["/v1/validate", "/v1/badges/verify"])
    func validBadgeVerifies(backend: TestBackend, path: String) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let agentID = try await app.keyedAgent(tenant)
            let token = try #require(try await app.issue(tenant, agentID, ["audience": "https://partner.example"]).data["token"]?.stringValue)
            let response = try await app.request(.post, path, json: ["token": .string(token)])
            #expect(response.status == .ok)
            #expect(response.data["valid"] == true)
            #expect(response.data["claims"] == (try CompactJWS.parse(token)).payload)
            // Alias field and header transport.
            #expect(try await app.request(.post, path, json: ["badge": .string(token)]).data["valid"] == true)
            #expect(try await app.request(.post, path, headers: [.init("X-Capiscio-Badge")!: token]).data["valid"] == true)
            #expect(try await app.request(.post, path, bearer: token).data["valid"] == true)
            // Audience: listed → valid; other → mismatch.
            #expect(try await app.validate(token, audience: "https://partner.example")["valid"] == true)
            #expect(try await app.validate(token, audience: "https://evil.example")["error"] == "BADGE_AUDIENCE_MISMATCH")
        }
    }

    @Test(arguments: TestBackend.available)
    func invalidTokensReportTheirRFCCode(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let agentID = try await app.keyedAgent(tenant)
            let token = try #require(try await app.issue(tenant, agentID).data["token"]?.stringValue)
            // Flip one character in the middle of the signature (still valid base64url).
            var parts = token.split(separator: ".").map(String.init)
            var signature = Array(parts[2])
            signature[20] = signature[20] == "A" ? "B" : "A"
            parts[2] = String(signature)
            #expect(try await app.validate(parts.joined(separator: "."))["error"] == "BADGE_SIGNATURE_INVALID")
            // A payload raised to level 4 after signing no longer matches the signature.
            let original = try CompactJWS.parse(token)
            guard case .object(var payload) = original.payload, case .object(var vc)? = payload["vc"],
                  case .object(var subject)? = vc["credentialSubject"] else { Issue.record("unexpected payload"); return }
            subject["level"] = "4"
            vc["credentialSubject"] = .object(subject)
            payload["vc"] = .object(vc)
            let raised = [original.headerSegment, Base64URL.encode(JSONValue.object(payload).serialized()), token.split(separator: ".").map(String.init)[2]]
            #expect(try await app.validate(raised.joined(separator: "."))["error"] == "BADGE_SIGNATURE_INVALID")
            #expect(try await app.validate("not.a.jws")["error"] == "BADGE_MALFORMED")
            #expect(try await app.validate("garbage")["error"] == "BADGE_MALFORMED")

            // Signed by a key we do not publish, under our issuer and kid.
            let rogue = PrivateJWK.generate(kid: "rogue")
            let forged = try await JWS.sign(
                header: try CompactJWS.parse(token).header, payload: try CompactJWS.parse(token).payload,
                signer: Ed25519Signer(key: rogue, kid: "rogue")
            )
            #expect(try await app.validate(forged)["error"] == "BADGE_SIGNATURE_INVALID")

            // Another issuer is untrusted (a self-signed did:key badge, TV-012).
            let selfKey = PrivateJWK.generate(kid: "self")
            let did = DIDKey.did(for: selfKey.publicKey)
            let selfSigned = try await JWS.sign(
                header: ["alg": "EdDSA", "typ": "JWT"],
                payload: BadgeClaims(jti: "x", iss: did, sub: did, iat: app.clock.now(), exp: app.clock.now() + 60, key: selfKey.publicKey, level: .selfSigned).json,
                signer: Ed25519Signer(key: selfKey)
            )
            #expect(try await app.validate(selfSigned)["error"] == "BADGE_ISSUER_UNTRUSTED")

            app.clock.advance(300 + 61)
            let expired = try await app.validate(token)
            #expect(expired["valid"] == false && expired["error"] == "BADGE_EXPIRED")
            #expect(expired["claims"]?["jti"] != nil)

            let missing = try await app.request(.post, "/v1/validate", json: [:])
            #expect(missing.status == .badRequest && missing.errorCode == "invalid_request")
            #expect(try await app.request(.post, "/v1/validate", json: ["token": 5]).status == .badRequest)
        }
    }

    /// A failed verification carries `claims` only when the signature verified (our badge,
    /// failing a later check): never the unchecked, possibly partial payload of a token we did
    /// not sign, which would not even match the BadgeClaims schema.
    @Test(arguments: TestBackend.available, ["/v1/validate", "/v1/badges/verify"])
    func failuresCarryClaimsOnlyFromAVerifiedSignature(backend: TestBackend, path: String) async throws {
        try await TestApp.run(backend) { app in
            func verify(_ token: String) async throws -> JSONValue {
                let response = try await app.request(.post, path, json: ["token": .string(token)])
                #expect(response.status == .ok)
                return response.data
            }
            let tenant = try await app.tenant()
            let agentID = try await app.keyedAgent(tenant)
            let token = try #require(try await app.issue(tenant, agentID).data["token"]?.stringValue)
            let original = try CompactJWS.parse(token)

            // Not our signature: the payload decodes, but is not reported.
            let parts = token.split(separator: ".").map(String.init)
            let partial = [original.headerSegment, Base64URL.encode(JSONValue.object(["jti": "x"]).serialized()), parts[2]]
            let rogue = PrivateJWK.generate(kid: "rogue")
            let forged = try await JWS.sign(header: original.header, payload: original.payload, signer: Ed25519Signer(key: rogue, kid: "rogue"))
            let tampered = [parts[0], Base64URL.encode(JSONValue.object(["jti": "x", "iss": "https://registry.test.example"]).serialized()), parts[2]]
            for (bad, code) in [
                (partial.joined(separator: "."), "BADGE_CLAIMS_INVALID"), (forged, "BADGE_SIGNATURE_INVALID"),
                (tampered.joined(separator: "."), "BADGE_CLAIMS_INVALID"), ("not.a.jws", "BADGE_MALFORMED"),
            ] {
                let data = try await verify(bad)
                #expect(data["valid"] == false && data["error"] == .string(code))
                #expect(data["message"]?.stringValue != nil)
                #expect(data["claims"] == nil, "claims reported for an unverified token (\(code))")
            }

            // Our signature, a later check failing: the complete payload.
            let jti = try #require(original.payload["jti"]?.stringValue)
            #expect(try await app.request(.post, "/v1/badges/\(jti)/revoke", key: tenant.key, json: [:]).status == .ok)
            let revoked = try await verify(token)
            #expect(revoked["error"] == "BADGE_REVOKED" && revoked["claims"] == original.payload)
            app.clock.advance(300 + 61)
            let expired = try await verify(token)
            #expect(expired["error"] == "BADGE_EXPIRED" && expired["claims"] == original.payload)
        }
    }

    @Test(arguments: TestBackend.available)
    func revocationIsVisibleEverywhereAtOnce(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let intruder = try await app.tenant()
            let agentID = try await app.keyedAgent(tenant)
            let issued = try await app.issue(tenant, agentID)
            let token = try #require(issued.data["token"]?.stringValue)
            let jti = try #require(issued.data["jti"]?.stringValue)

            let live = try await app.request(.get, "/v1/badges/\(jti)/status")
            #expect(live.status == .ok)
            #expect(live.json["revoked"] == false)
            #expect(live.json["expiresAt"] == live.json["expires_at"] && live.json["expiresAt"] != nil)
            #expect(live.json["revokedAt"] == nil)
            #expect(live.headers[.cacheControl] == "no-store")

            #expect(try await app.request(.post, "/v1/badges/\(jti)/revoke", key: intruder.key, json: [:]).status == .notFound)
            #expect(try await app.request(.post, "/v1/badges/\(jti)/revoke", json: [:]).status == .unauthorized)
            let revoked = try await app.request(.post, "/v1/badges/\(jti)/revoke", key: tenant.key, json: ["reason": "key_compromise"])
            #expect(revoked.status == .ok)
            #expect(revoked.json["revoked"] == true && revoked.json["jti"] == .string(jti) && revoked.json["reason"] == "key_compromise")
            app.clock.advance(10)
            let twice = try await app.request(.post, "/v1/badges/revoke", key: tenant.key, json: ["jti": .string(jti), "reason": "other"])
            #expect(twice.status == .ok)
            #expect(twice.json["revokedAt"] == revoked.json["revokedAt"] && twice.json["reason"] == "key_compromise")

            let status = try await app.request(.get, "/v1/badges/\(jti)/status")
            #expect(status.json["revoked"] == true && status.json["reason"] == "key_compromise")
            #expect(status.json["revokedAt"] == revoked.json["revokedAt"])
            #expect(try await app.validate(token)["error"] == "BADGE_REVOKED")
            let feed = try await app.request(.get, "/v1/revocations").json
            #expect(feed["revocations"]?.arrayValue?.map { $0["jti"] } == [.string(jti)])
            // Revoking never disables the agent.
            #expect(try await app.request(.get, "/v1/agents/\(agentID)/status").json["status"] == "active")

            #expect(try await app.request(.get, "/v1/badges/00000000-0000-0000-0000-000000000000/status").status == .notFound)
            #expect(try await app.request(.post, "/v1/badges/revoke", key: tenant.key, json: [:]).status == .badRequest)
        }
    }

    @Test(arguments: TestBackend.available)
    func disablingTheAgentFailsValidation(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let agentID = try await app.keyedAgent(tenant)
            let token = try #require(try await app.issue(tenant, agentID).data["token"]?.stringValue)
            _ = try await app.request(.post, "/v1/agents/\(agentID)/disable", key: tenant.key, json: ["reason": "compromised"])
            #expect(try await app.validate(token)["error"] == "BADGE_AGENT_DISABLED")
            let status = try await app.request(.get, "/v1/agents/\(agentID)/status").json
            #expect(status["status"] == "disabled" && status["reason"] == "compromised" && status["disabledAt"] != .null)
            _ = try await app.request(.post, "/v1/agents/\(agentID)/enable", key: tenant.key)
            #expect(try await app.validate(token)["valid"] == true)
            _ = try await app.request(.delete, "/v1/agents/\(agentID)", key: tenant.key)
            #expect(try await app.validate(token)["error"] == "BADGE_AGENT_DISABLED")
            #expect(try await app.request(.get, "/v1/agents/\(agentID)/status").status == .notFound)
        }
    }

    @Test(arguments: TestBackend.available)
    func revocationFeedPaging(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let agentID = try await app.keyedAgent(tenant)
            var jtis: [String] = []
            for _ in 0..<5 {
                let jti = try #require(try await app.issue(tenant, agentID).data["jti"]?.stringValue)
                _ = try await app.request(.post, "/v1/badges/\(jti)/revoke", key: tenant.key, json: [:])
                jtis.append(jti)
                app.clock.advance(2)
            }
            let all = try await app.request(.get, "/v1/revocations").json
            #expect(all["revocations"]?.arrayValue?.compactMap { $0["jti"]?.stringValue } == jtis)
            #expect(all["nextCursor"] == .null)
            #expect(all["revocations"]?.arrayValue?.allSatisfy { $0["revokedAt"]?.stringValue?.hasSuffix("Z") == true } == true)
            let third = try #require(all["revocations"]?.arrayValue?[2]["revokedAt"]?.stringValue)
            let since = try await app.request(.get, "/v1/revocations?since=\(third.replacingOccurrences(of: "Z", with: "%2B00:00"))").json
            #expect(since["revocations"]?.arrayValue?.compactMap { $0["jti"]?.stringValue } == Array(jtis[2...]))
            let page1 = try await app.request(.get, "/v1/revocations?limit=2").json
            #expect(page1["revocations"]?.arrayValue?.compactMap { $0["jti"]?.stringValue } == Array(jtis[0..<2]))
            let cursor = try #require(page1["nextCursor"]?.stringValue)
            let page2 = try await app.request(.get, "/v1/revocations?limit=2&cursor=\(cursor)").json
            #expect(page2["revocations"]?.arrayValue?.compactMap { $0["jti"]?.stringValue } == Array(jtis[2..<4]))
            #expect(try await app.request(.get, "/v1/revocations?since=yesterday").status == .badRequest)
            #expect(try await app.request(.get, "/v1/revocations?limit=0").status == .badRequest)
        }
    }
}

@Suite struct PublicDocumentsTests {
    @Test(arguments: TestBackend.available)
    func jwksPublishesOnlyPublicKeysActiveFirst(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let response = try await app.request(.get, "/.well-known/jwks.json")
            #expect(response.status == .ok)
            #expect(response.headers[.cacheControl] == "public, max-age=300")
            let keys = try #require(response.json["keys"]?.arrayValue)
            #expect(keys.count == 1)
            let key = keys[0]
            #expect(key["kty"] == "OKP" && key["crv"] == "Ed25519" && key["alg"] == "EdDSA" && key["use"] == "sig")
            #expect(key["kid"]?.stringValue?.hasPrefix("capiscio-ca-") == true)
            #expect(key["d"] == nil)
        }
    }

    /// did.json is published with `max-age=300`; the server itself serves a read at most five
    /// seconds old, and changes made through its own API show at once.
    @Test(arguments: TestBackend.available)
    func didDocumentReadsAreBoundedInAge(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let agentID = try await app.createAgent(tenant, [
                "name": "doc", "publicKey": ["kty": "OKP", "crv": "Ed25519", "x": .string(exampleX)],
                "agentCard": ["url": "https://a.example/a2a"],
            ])
            func endpoint() async throws -> JSONValue? {
                try await app.request(.get, "/agents/\(agentID)/did.json").json["service"]?.arrayValue?.first?["serviceEndpoint"]
            }
            #expect(try await endpoint() == "https://a.example/a2a")
            // Another replica changes the card straight in the database.
            var agent = try #require(try await app.store.agent(id: agentID))
            agent.agentCard = ["url": "https://b.example/a2a"]
            #expect(try await app.store.updateAgent(agent))
            #expect(try await endpoint() == "https://a.example/a2a", "a read under five seconds old is served")
            app.clock.advance(5)
            #expect(try await endpoint() == "https://b.example/a2a", "and then read again")
            let put = try await app.request(.put, "/v1/agents/\(agentID)", key: tenant.key, json: ["agentCard": ["url": "https://c.example/a2a"]])
            #expect(put.status == .ok)
            #expect(try await endpoint() == "https://c.example/a2a", "a change through this server shows at once")
        }
    }

    @Test(arguments: TestBackend.available)
    func agentDIDDocument(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let agentID = try await app.createAgent(tenant, [
                "name": "doc", "publicKey": ["kty": "OKP", "crv": "Ed25519", "x": .string(exampleX)],
                "agentCard": ["url": "https://agent.acme.example/a2a"],
            ])
            let response = try await app.request(.get, "/agents/\(agentID)/did.json")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/did+json")
            let doc = response.json
            let did = "did:web:registry.test.example:agents:\(agentID)"
            #expect(doc["id"] == .string(did))
            let method = try #require(doc["verificationMethod"]?.arrayValue?.first)
            #expect(method["id"] == .string("\(did)#key-1"))
            #expect(method["type"] == "Ed25519VerificationKey2020")
            #expect(method["publicKeyMultibase"] == "z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK")
            #expect(doc["authentication"] == [.string("\(did)#key-1")])
            #expect(doc["assertionMethod"] == [.string("\(did)#key-1")])
            #expect(doc["service"]?.arrayValue?.first?["serviceEndpoint"] == "https://agent.acme.example/a2a")

            let keyless = try await app.createAgent(tenant, ["name": "bare"])
            let empty = try await app.request(.get, "/agents/\(keyless)/did.json").json
            #expect(empty["verificationMethod"] == [] && empty["authentication"] == [])
            #expect(try await app.request(.get, "/agents/00000000-0000-0000-0000-000000000000/did.json").status == .notFound)
            #expect(try await app.request(.get, "/agents/not-a-uuid/did.json").status == .notFound)
            _ = try await app.request(.delete, "/v1/agents/\(agentID)", key: tenant.key)
            #expect(try await app.request(.get, "/agents/\(agentID)/did.json").status == .notFound)
        }
    }

    @Test(arguments: TestBackend.available)
    func agentStatusByUUIDOrDID(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let agentID = try await app.createAgent(tenant, ["name": "s", "did": .string(exampleDIDKey), "status": "inactive"])
            for reference in [agentID, exampleDIDKey, exampleDIDKey.replacingOccurrences(of: ":", with: "%3A")] {
                let status = try await app.request(.get, "/v1/agents/\(reference)/status")
                #expect(status.status == .ok)
                #expect(status.json["status"] == "active")
                #expect(status.json["id"] == .string(agentID) && status.json["did"] == .string(exampleDIDKey))
                #expect(status.json["disabledAt"] == .null)
            }
            #expect(try await app.request(.get, "/v1/agents/00000000-0000-0000-0000-000000000000/status").status == .notFound)
        }
    }
}

@Suite struct OperatorRevocationTests {
    @Test(arguments: TestBackend.available)
    func anOperatorCanRevokeAnyOrganisationsBadge(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let agentID = try await app.keyedAgent(tenant)
            let issued = try await app.issue(tenant, agentID)
            let jti = try #require(issued.data["jti"]?.stringValue)
            let agents = AgentService(store: app.store, clock: app.clock, issuer: IssuerIdentity(origin: app.config.issuerURL))
            let badges = BadgeService(store: app.store, clock: app.clock, agents: agents, ca: app.ca, policy: app.config.badgePolicy)
            let record = try await badges.revokeAsOperator(jti: jti, reason: "incident-7", operatorName: "ann")
            #expect(record.revokedAt != nil && record.revocationReason == "incident-7")
            #expect(try await app.request(.get, "/v1/badges/\(jti)/status").json["revoked"] == true)
            #expect(try await app.validate(try #require(issued.data["token"]?.stringValue))["error"] == "BADGE_REVOKED")
            let event = try await app.store.events(EventQuery(orgID: tenant.org.id, type: "badge.revoked")).first
            #expect(event?.actor == "operator:ann" && event?.subject == jti)
            await #expect(throws: RegistryError.self) {
                _ = try await badges.revokeAsOperator(jti: "00000000-0000-0000-0000-000000000000", reason: nil, operatorName: "ann")
            }
        }
    }
}
