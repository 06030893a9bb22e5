import BadgeCore
import Crypto
import Foundation
import HTTPTypes
import Registry
import StoreConformance
import Testing

/// Console sign-in with Clerk's `__session` cookie: verified as the API verifies session tokens,
/// with the API's organisation and role rules, exchanged for the same server-side session as an
/// API-key sign-in, on both backends.
@Suite struct ConsoleClerkTests {
    static let clerkKey = TestSessionKey.newP256()

    /// An app trusting `clerkKey` (Clerk's networkless verification: one static public key).
    static func withClerk(_ backend: TestBackend, _ body: @Sendable (TestApp) async throws -> Void) async throws {
        let key = try SessionKey(jwk: clerkKey.jwk(kid: "clerk"))
        try await TestApp.run(backend, configure: { config in
            config.sessionTokens = SessionTokenSettings(
                keySource: .key(key), issuer: SessionClaimsFixture.issuer, authorizedParties: [SessionClaimsFixture.party]
            )
        }, body)
    }

    /// A Clerk session token for `sub`, as a member or admin of the Clerk organisation `org`.
    static func token(_ app: TestApp, sub: String, org: String? = nil, role: String = "org:admin", signer: TestSessionKey = clerkKey, exp: Int64? = nil) -> String {
        signer.token(kid: "clerk", payload: SessionClaimsFixture.payload(sub: sub, now: app.clock.now(), exp: exp, org: org.map { ($0, role) }))
    }

    /// `GET /console` with Clerk's cookie: the response, and a browser on the session it opened.
    static func enter(_ app: TestApp, token: String) async throws -> (ConsoleTests.Browser, TestResult) {
        let response = try await app.request(.get, "/console", headers: [.cookie: "__session=\(token)"])
        let session = ConsoleTests.cookie("insignia_console", in: response) ?? ""
        let form = try await app.request(.get, "/console/agents/new", headers: [.cookie: "insignia_console=\(session)"])
        let csrf = form.text.firstMatch(of: /name="csrf" value="([^"]+)"/).map { String($0.1) } ?? ""
        return (ConsoleTests.Browser(app: app, cookie: session, csrf: csrf), response)
    }

    static func user() -> String { "user_\(UUID().uuidString.prefix(8))" }

    @Test(arguments: TestBackend.available)
    func aClerkSessionCookieOpensAServerSideSessionOfTheUsersOrganisation(backend: TestBackend) async throws {
        try await Self.withClerk(backend) { app in
            let clerkOrg = "org_\(UUID().uuidString.prefix(8))"
            let (admin, response) = try await Self.enter(app, token: Self.token(app, sub: Self.user(), org: clerkOrg))
            #expect(response.status == .seeOther && response.headers[.location] == "/console/overview")
            let header = try #require(response.headers[values: .setCookie].first { $0.hasPrefix("insignia_console=") })
            #expect(header.contains("; HttpOnly") && header.contains("; SameSite=Strict") && header.contains("; Secure"))
            // Stored hashed, bound to the user (not a key), in the organisation mirroring the token's.
            let stored = try #require(try await app.store.consoleSession(idHash: Base16.encode(Array(SHA256.hash(data: Array(admin.cookie.utf8))))))
            #expect(stored.keyHash == nil && stored.userID != nil)
            let org = try #require(try await app.store.organization(externalID: clerkOrg))
            #expect(stored.orgID == org.id)
            let overview = try await admin.get("/console/overview")
            #expect(overview.status == .ok && overview.text.contains("Clerk user (admin)"))
            // The session needs no Clerk cookie afterwards (Clerk's token lives a minute).
            app.clock.advance(3600)
            #expect(try await admin.get("/console/agents").status == .ok)
            // Admins manage keys, with the form's anti-forgery token as always.
            #expect(try await admin.post("/console/keys", "name=ci").status == .forbidden)
            #expect(try await admin.submit("/console/keys", "name=ci").status == .ok)
            #expect(try await app.store.apiKeys(orgID: org.id).count == 1)
            // The user's own agent is in the organisation's view; the sign-in is audited.
            #expect(try await admin.submit("/console/agents", "name=from-clerk").status == .seeOther)
            #expect(try await app.store.agents(AgentQuery(orgID: org.id)).map(\.name) == ["from-clerk"])
            let audit = try await app.store.events(EventQuery(orgID: org.id, type: "console.signed_in"))
            #expect(audit.count == 1 && audit[0].details?.contains(stored.userID!) == true)
        }
    }

    @Test(arguments: TestBackend.available)
    func aMemberIsRefusedKeyManagementAsInTheAPI(backend: TestBackend) async throws {
        try await Self.withClerk(backend) { app in
            let clerkOrg = "org_\(UUID().uuidString.prefix(8))"
            let (member, response) = try await Self.enter(app, token: Self.token(app, sub: Self.user(), org: clerkOrg, role: "org:member"))
            #expect(response.status == .seeOther)
            let org = try #require(try await app.store.organization(externalID: clerkOrg))
            let keys = try await member.get("/console/keys")
            #expect(keys.status == .forbidden)
            #expect(keys.text.contains("not allowed") && keys.text.contains("organisation admin role"))
            #expect(try await member.submit("/console/keys", "name=sneaky").status == .forbidden)
            #expect(try await app.store.apiKeys(orgID: org.id).isEmpty, "no key was created")
            #expect(try await member.get("/console/audit").status == .forbidden, "members do not read the audit log, as in the API")
            #expect(try await member.get("/console/agents").status == .ok)
            #expect(try await member.submit("/console/agents", "name=member-bot").status == .seeOther, "members manage agents")
        }
    }

    @Test(arguments: TestBackend.available)
    func expiredForgedAndMalformedTokensAreRefusedWithAReadableMessage(backend: TestBackend) async throws {
        try await Self.withClerk(backend) { app in
            let sub = Self.user()
            let stranger = TestSessionKey.newP256()
            let cases: [(String, String, String)] = [
                ("expired", Self.token(app, sub: sub, exp: app.clock.now() - 60), "expired"),
                ("signed by another key", Self.token(app, sub: sub, signer: stranger), "signature"),
                ("not a JWT", "not-a-token", "well-formed"),
            ]
            for (name, token, reason) in cases {
                let (browser, response) = try await Self.enter(app, token: token)
                #expect(response.status == .unauthorized, "\(name)")
                #expect(response.text.contains("Your Clerk session could not be used") && response.text.contains(reason), "\(name): \(response.text)")
                #expect(!response.text.contains(token), "\(name): the token is not echoed")
                #expect(browser.cookie.isEmpty, "\(name): no session")
            }
            #expect(try await app.store.user(externalID: sub) == nil, "no user was created from a refused token")
        }
    }

    @Test(arguments: TestBackend.available)
    func withoutClerkTheCookieIsIgnored(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let response = try await app.request(.get, "/console", headers: [.cookie: "__session=\(Self.token(app, sub: Self.user()))"])
            #expect(response.status == .seeOther && response.headers[.location] == "/console/sign-in")
            #expect(ConsoleTests.cookie("insignia_console", in: response) == nil)
            #expect(!(try await app.request(.get, "/console/sign-in").text.contains("Clerk")), "no Clerk sign-in offered")
        }
    }

    @Test(arguments: TestBackend.available)
    func membershipChangesApplyToOpenSessions(backend: TestBackend) async throws {
        try await Self.withClerk(backend) { app in
            let clerkOrg = "org_\(UUID().uuidString.prefix(8))"
            let (browser, _) = try await Self.enter(app, token: Self.token(app, sub: Self.user(), org: clerkOrg, role: "org:member"))
            #expect(try await browser.get("/console/keys").status == .forbidden)
            let org = try #require(try await app.store.organization(externalID: clerkOrg))
            let membership = try #require(try await app.store.members(orgID: org.id).first)
            // Promoted (Clerk's webhook updates the membership): admin pages open at once.
            var promoted = membership
            promoted.role = .admin
            try await app.store.upsertMembership(promoted)
            #expect(try await browser.get("/console/keys").status == .ok)
            // Removed from the organisation: the session ends.
            #expect(try await app.store.deleteMembership(orgID: org.id, userID: membership.userID))
            let ended = try await browser.get("/console/overview")
            #expect(ended.status == .seeOther && ended.headers[.location] == "/console/sign-in")
        }
    }

    @Test(arguments: TestBackend.available)
    func signingOutIsNotUndoneUntilTheUserAsksToContinue(backend: TestBackend) async throws {
        try await Self.withClerk(backend) { app in
            let token = Self.token(app, sub: Self.user())
            let (browser, _) = try await Self.enter(app, token: token)
            let out = try await app.request(.post, "/console/sign-out", rawBody: "csrf=\(browser.csrf)", headers: [
                .cookie: "insignia_console=\(browser.cookie); __session=\(token)", .contentType: "application/x-www-form-urlencoded",
            ])
            #expect(out.status == .seeOther && out.headers[.location] == "/console/sign-in")
            #expect(try await browser.get("/console/overview").status == .seeOther, "the old session no longer works")
            // The sign-in page does not sign in by itself; it offers the Clerk session.
            let page = try await app.request(.get, "/console/sign-in", headers: [.cookie: "__session=\(token)"])
            #expect(page.status == .ok && page.text.contains("Continue with that session"))
            #expect(ConsoleTests.cookie("insignia_console", in: page) == nil)
        }
    }
}
