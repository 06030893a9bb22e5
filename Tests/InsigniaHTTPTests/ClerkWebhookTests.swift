import BadgeCore
import Foundation
import HTTPTypes
import InsigniaApp
import InsigniaHTTP
import Registry
import StoreConformance
import Testing

/// `POST /v1/webhooks/clerk` with Svix signatures.
@Suite struct ClerkWebhookTests {
    static let secret = "whsec_" + Data((0..<24).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()

    static func run(_ backend: TestBackend, _ body: @Sendable (TestApp, SvixVerifier) async throws -> Void) async throws {
        let verifier = try SvixVerifier(secret: secret)
        try await TestApp.run(backend, configure: { $0.clerkWebhook = verifier }) { app in try await body(app, verifier) }
    }

    @discardableResult
    static func send(
        _ app: TestApp, _ verifier: SvixVerifier, type: String, data: JSONValue, id: String = "msg_\(UUID().uuidString)",
        age: Int64 = 0, signature: String? = nil
    ) async throws -> TestResult {
        let body = String(decoding: JSONValue.object(["type": .string(type), "object": "event", "data": data]).serialized(), as: UTF8.self)
        let timestamp = String(app.clock.now() - age)
        let signed = verifier.sign(id: id, timestamp: timestamp, body: Array(body.utf8))
        return try await app.request(.post, "/v1/webhooks/clerk", rawBody: body, headers: [
            HTTPField.Name("svix-id")!: id, HTTPField.Name("svix-timestamp")!: timestamp,
            HTTPField.Name("svix-signature")!: signature ?? "v1,AAAA \(signed)",
        ])
    }

    static func userData(_ id: String, first: String = "Ann", email: String = "ann@example.com") -> JSONValue {
        [
            "id": .string(id), "object": "user", "first_name": .string(first), "last_name": "Lee",
            "primary_email_address_id": "idn_2", "email_addresses": [
                ["id": "idn_1", "email_address": "old@example.com"], ["id": "idn_2", "email_address": .string(email)],
            ],
        ]
    }

    static func membershipData(org: String, user: String, role: String) -> JSONValue {
        [
            "id": "orgmem_1", "object": "organization_membership", "role": .string(role),
            "organization": ["id": .string(org), "name": "Acme Corp", "slug": "acme"],
            "public_user_data": ["user_id": .string(user), "identifier": "bo@example.com", "first_name": "Bo"],
        ]
    }

    @Test(arguments: TestBackend.available)
    func signaturesAreChecked(backend: TestBackend) async throws {
        try await Self.run(backend) { app, verifier in
            let bad = "user_bad_\(UUID().uuidString)", old = "user_old_\(UUID().uuidString)", good = "user_good_\(UUID().uuidString)"
            let forged = try await Self.send(app, verifier, type: "user.created", data: Self.userData(bad), signature: "v1,AAAA v1,bm90IGEgbWFj")
            #expect(forged.status == .unauthorized)
            #expect(forged.errorCode == "invalid_webhook_signature")
            #expect(try await Self.send(app, verifier, type: "user.created", data: Self.userData(bad), signature: "").status == .unauthorized)
            #expect(try await Self.send(app, verifier, type: "user.created", data: Self.userData(old), age: 301).status == .unauthorized)
            #expect(try await Self.send(app, verifier, type: "user.created", data: Self.userData(old), age: -301).status == .unauthorized)
            #expect(try await app.store.user(externalID: bad) == nil)
            #expect(try await app.store.user(externalID: old) == nil)
            // A valid entry among several (the first one is garbage) is enough.
            let ok = try await Self.send(app, verifier, type: "user.created", data: Self.userData(good), age: 200)
            #expect(ok.status == .ok, "\(ok.text)")
            #expect(ok.data["outcome"] == "processed")
            let user = try #require(try await app.store.user(externalID: good))
            #expect(user.email == "ann@example.com")
            #expect(user.name == "Ann Lee")
        }
    }

    @Test(arguments: TestBackend.available)
    func redeliveryIsIdempotentAndUnknownTypesAreIgnored(backend: TestBackend) async throws {
        try await Self.run(backend) { app, verifier in
            let ext = "user_\(UUID().uuidString)"
            let id = "msg_\(UUID().uuidString)"
            #expect(try await Self.send(app, verifier, type: "user.created", data: Self.userData(ext, first: "First"), id: id).data["outcome"] == "processed")
            let again = try await Self.send(app, verifier, type: "user.created", data: Self.userData(ext, first: "Changed"), id: id)
            #expect(again.status == .ok)
            #expect(again.data["outcome"] == "duplicate")
            #expect(try await app.store.user(externalID: ext)?.name == "First Lee")
            let unknown = try await Self.send(app, verifier, type: "session.created", data: ["id": "sess_1"])
            #expect(unknown.status == .ok)
            #expect(unknown.data["outcome"] == "ignored")
        }
    }

    @Test(arguments: TestBackend.available)
    func everyEventTypeIsApplied(backend: TestBackend) async throws {
        try await Self.run(backend) { app, verifier in
            let userExt = "user_\(UUID().uuidString)", orgExt = "org_\(UUID().uuidString)"
            #expect(try await Self.send(app, verifier, type: "user.created", data: Self.userData(userExt)).status == .ok)
            #expect(try await Self.send(app, verifier, type: "user.updated", data: Self.userData(userExt, first: "Anna", email: "anna@example.com")).status == .ok)
            let user = try #require(try await app.store.user(externalID: userExt))
            #expect(user.name == "Anna Lee" && user.email == "anna@example.com")

            let orgName = "Acme \(UUID().uuidString)"
            #expect(try await Self.send(app, verifier, type: "organization.created", data: ["id": .string(orgExt), "name": .string(orgName), "slug": "acme"]).status == .ok)
            let org = try #require(try await app.store.organization(externalID: orgExt))
            #expect(org.name == orgName)
            #expect(try await Self.send(app, verifier, type: "organization.updated", data: ["id": .string(orgExt), "name": .string(orgName + " Ltd")]).status == .ok)
            #expect(try await app.store.organization(id: org.id)?.name == orgName + " Ltd")

            #expect(try await Self.send(app, verifier, type: "organizationMembership.created", data: Self.membershipData(org: orgExt, user: userExt, role: "org:admin")).status == .ok)
            #expect(try await app.store.membership(orgID: org.id, userID: user.id)?.role == .admin)
            #expect(try await Self.send(app, verifier, type: "organizationMembership.updated", data: Self.membershipData(org: orgExt, user: userExt, role: "org:member")).status == .ok)
            #expect(try await app.store.membership(orgID: org.id, userID: user.id)?.role == .member)
            #expect(try await Self.send(app, verifier, type: "organizationMembership.deleted", data: Self.membershipData(org: orgExt, user: userExt, role: "org:member")).status == .ok)
            #expect(try await app.store.membership(orgID: org.id, userID: user.id) == nil)

            // A membership for a user and org not seen before creates both.
            let newUser = "user_\(UUID().uuidString)", newOrg = "org_\(UUID().uuidString)"
            #expect(try await Self.send(app, verifier, type: "organizationMembership.created", data: Self.membershipData(org: newOrg, user: newUser, role: "org:admin")).status == .ok)
            let created = try #require(try await app.store.user(externalID: newUser))
            let createdOrg = try #require(try await app.store.organization(externalID: newOrg))
            #expect(try await app.store.membership(orgID: createdOrg.id, userID: created.id)?.role == .admin)

            #expect(try await Self.send(app, verifier, type: "user.deleted", data: ["id": .string(newUser), "deleted": true]).status == .ok)
            #expect(try await app.store.user(externalID: newUser)?.deletedAt != nil)
            #expect(try await app.store.members(orgID: createdOrg.id).isEmpty)
            #expect(try await Self.send(app, verifier, type: "organization.deleted", data: ["id": .string(orgExt), "deleted": true]).status == .ok)
            #expect(try await app.store.organization(id: org.id)?.deletedAt != nil)
        }
    }

    @Test(arguments: TestBackend.available)
    func deletedUsersAndOrgsCannotSignIn(backend: TestBackend) async throws {
        let key = TestSessionKey.newEd25519()
        let verifier = try SvixVerifier(secret: Self.secret)
        let sessionKey = try SessionKey(pem: key.publicPEM)
        let configure: @Sendable (inout AppConfig) -> Void = { config in
            config.clerkWebhook = verifier
            config.sessionTokens = SessionTokenSettings(keySource: .key(sessionKey))
        }
        try await TestApp.run(backend, configure: configure) { (app: TestApp) async throws in
            let userExt = "user_\(UUID().uuidString)", orgExt = "org_\(UUID().uuidString)"
            let inOrg = key.token(kid: nil, payload: SessionClaimsFixture.payload(sub: userExt, now: app.clock.now(), org: (orgExt, "org:admin")))
            #expect(try await app.request(.get, "/v1/agents", bearer: inOrg).status == .ok)
            #expect(try await Self.send(app, verifier, type: "organization.deleted", data: ["id": .string(orgExt), "deleted": true]).status == .ok)
            #expect(try await app.request(.get, "/v1/agents", bearer: inOrg).status == .forbidden)
            #expect(try await Self.send(app, verifier, type: "user.deleted", data: ["id": .string(userExt), "deleted": true]).status == .ok)
            let personal = key.token(kid: nil, payload: SessionClaimsFixture.payload(sub: userExt, now: app.clock.now()))
            #expect(try await app.request(.get, "/v1/agents", bearer: personal).status == .unauthorized)
        }
    }

    @Test func withoutASecretTheWebhookIsOff() async throws {
        try await TestApp.run(.sqlite) { app in
            let response = try await app.request(.post, "/v1/webhooks/clerk", rawBody: "{}")
            #expect(response.status == .serviceUnavailable)
            #expect(response.errorCode == "clerk_webhook_not_configured")
        }
    }
}
