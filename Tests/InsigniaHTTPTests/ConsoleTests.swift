import BadgeCore
import Crypto
import HTTPTypes
@testable import InsigniaHTTP
import Registry
import StoreConformance
import Testing

/// The admin console's sessions, anti-forgery tokens, escaping, scopes and tenancy, on both backends.
@Suite struct ConsoleTests {
    /// A signed-in browser: the session cookie and the session's form token.
    struct Browser {
        let app: TestApp
        let cookie: String
        let csrf: String

        func get(_ path: String) async throws -> TestResult {
            try await app.request(.get, path, headers: [.cookie: "insignia_console=\(cookie)"])
        }

        func post(_ path: String, _ form: String, csrf: String? = nil) async throws -> TestResult {
            try await app.request(.post, path, rawBody: form, headers: [
                .cookie: "insignia_console=\(cookie)", .contentType: "application/x-www-form-urlencoded",
            ])
        }

        /// A POST carrying the session's token.
        func submit(_ path: String, _ form: String = "") async throws -> TestResult {
            try await post(path, "csrf=\(csrf)" + (form.isEmpty ? "" : "&\(form)"))
        }
    }

    static func signIn(_ app: TestApp, key: String) async throws -> (Browser, TestResult) {
        let page = try await app.request(.get, "/console/sign-in")
        let token = try #require(cookie("insignia_console_signin", in: page))
        let response = try await app.request(.post, "/console/sign-in", rawBody: "csrf=\(token)&api_key=\(key)", headers: [
            .cookie: "insignia_console_signin=\(token)", .contentType: "application/x-www-form-urlencoded",
        ])
        let session = cookie("insignia_console", in: response) ?? ""
        let form = try await app.request(.get, "/console/agents/new", headers: [.cookie: "insignia_console=\(session)"])
        let csrf = form.text.firstMatch(of: /name="csrf" value="([^"]+)"/).map { String($0.1) } ?? ""
        return (Browser(app: app, cookie: session, csrf: csrf), response)
    }

    static func cookie(_ name: String, in response: TestResult) -> String? {
        for header in response.headers[values: .setCookie] where header.hasPrefix("\(name)=") {
            let value = header.dropFirst(name.count + 1).prefix { $0 != ";" }
            return value.isEmpty ? nil : String(value)
        }
        return nil
    }

    @Test(arguments: TestBackend.available)
    func signInSetsAStrictHttpOnlySecureCookieStoredOnlyHashed(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let (browser, response) = try await Self.signIn(app, key: tenant.key)
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/console/overview")
            let header = try #require(response.headers[values: .setCookie].first { $0.hasPrefix("insignia_console=") })
            // The test issuer is https: the cookie is Secure.
            #expect(header.contains("; HttpOnly") && header.contains("; SameSite=Strict") && header.contains("; Secure") && header.contains("Path=/console"))
            #expect(browser.cookie.count >= 43)
            // The database holds the hash of the id, never the id.
            #expect(try await app.store.consoleSession(idHash: browser.cookie) == nil)
            let stored = try #require(try await app.store.consoleSession(idHash: Base16.encode(Array(sessionHashBytes(browser.cookie)))))
            #expect(stored.orgID == tenant.org.id)
            let overview = try await browser.get("/console/overview")
            #expect(overview.status == .ok)
            #expect(overview.headers[.contentSecurityPolicy]?.hasPrefix("default-src 'self';") == true)
            #expect(overview.headers[.cacheControl] == "no-store")
            #expect(!overview.text.contains("<script>"), "no inline script")
            // Without a cookie: to the sign-in page.
            let anonymous = try await app.request(.get, "/console/overview")
            #expect(anonymous.status == .seeOther && anonymous.headers[.location] == "/console/sign-in")
        }
    }

    @Test(arguments: TestBackend.available)
    func signInRefusesBadKeysAndFormsWithoutTheirToken(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let (_, wrong) = try await Self.signIn(app, key: "cpsc_live_nope")
            #expect(wrong.status == .unauthorized)
            #expect(wrong.text.contains("not valid"))
            #expect(Self.cookie("insignia_console", in: wrong) == nil)
            // The sign-in form's double-submit token must match its cookie.
            let forged = try await app.request(.post, "/console/sign-in", rawBody: "csrf=abc&api_key=\(tenant.key)", headers: [
                .cookie: "insignia_console_signin=def", .contentType: "application/x-www-form-urlencoded",
            ])
            #expect(forged.status == .forbidden)
            #expect(Self.cookie("insignia_console", in: forged) == nil)
        }
    }

    @Test(arguments: TestBackend.available)
    func sessionsEndAfterEightIdleHoursOrTwentyFourHoursOrWhenTheKeyIsRevoked(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let (idle, _) = try await Self.signIn(app, key: tenant.key)
            app.clock.advance(8 * 3600 - 60)
            #expect(try await idle.get("/console/overview").status == .ok, "7 h 59 min idle: still signed in")
            app.clock.advance(8 * 3600)
            let ended = try await idle.get("/console/overview")
            #expect(ended.status == .seeOther && ended.headers[.location] == "/console/sign-in")

            let (busy, _) = try await Self.signIn(app, key: tenant.key)
            for _ in 0..<3 {
                app.clock.advance(7 * 3600)
                #expect(try await busy.get("/console/overview").status == .ok)
            }
            app.clock.advance(3 * 3600 + 1)
            #expect(try await busy.get("/console/overview").status == .seeOther, "24 h after sign-in, however busy")

            let (revoked, _) = try await Self.signIn(app, key: tenant.key)
            #expect(try await revoked.get("/console/overview").status == .ok)
            let keyID = try #require(try await app.store.apiKeys(orgID: tenant.org.id).first?.id)
            try await APIKeyService(store: app.store, clock: app.clock).revoke(id: keyID, orgID: tenant.org.id)
            #expect(try await revoked.get("/console/overview").status == .seeOther, "revoking the key ends its sessions")
        }
    }

    @Test(arguments: TestBackend.available)
    func signOutEndsTheSession(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let (browser, _) = try await Self.signIn(app, key: try await app.tenant().key)
            #expect(try await browser.post("/console/sign-out", "").status == .forbidden, "sign-out needs the token too")
            let out = try await browser.submit("/console/sign-out")
            #expect(out.status == .seeOther && out.headers[.location] == "/console/sign-in")
            #expect(out.headers[values: .setCookie].contains { $0.hasPrefix("insignia_console=;") && $0.contains("Max-Age=0") })
            #expect(try await browser.get("/console/overview").status == .seeOther, "the old cookie no longer works")
        }
    }

    @Test(arguments: TestBackend.available)
    func formsWithoutTheSessionTokenAreRefusedAndChangeNothing(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let (browser, _) = try await Self.signIn(app, key: tenant.key)
            #expect(!browser.csrf.isEmpty)
            // The real token with its last character changed (to one it is not).
            let altered = browser.csrf.dropLast() + (browser.csrf.hasSuffix("A") ? "B" : "A")
            for form in ["name=forged", "csrf=&name=forged", "csrf=\(altered)&name=forged"] {
                let refused = try await browser.post("/console/agents", form)
                #expect(refused.status == .forbidden)
                #expect(refused.text.contains("anti-forgery"))
            }
            #expect(try await app.request(.get, "/v1/agents", key: tenant.key).data.arrayValue?.isEmpty == true, "no agent was created")
            // Another session's token does not fit this one.
            let (other, _) = try await Self.signIn(app, key: tenant.key)
            #expect(try await browser.post("/console/agents", "csrf=\(other.csrf)&name=forged").status == .forbidden)
            let created = try await browser.submit("/console/agents", "name=real")
            #expect(created.status == .seeOther)
            #expect(created.headers[.location]?.hasPrefix("/console/agents/") == true)
            // A JSON body is not a form.
            let json = try await app.request(.post, "/console/agents", json: ["csrf": .string(browser.csrf), "name": "x"], headers: [.cookie: "insignia_console=\(browser.cookie)"])
            #expect(json.status == .unsupportedMediaType)
            #expect(!json.text.hasPrefix("{"), "errors are pages, not JSON")
        }
    }

    @Test(arguments: TestBackend.available)
    func markupInNamesRendersAsText(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let name = "<script>alert(1)</script>\"'&"
            let created = try await app.request(.post, "/v1/agents", key: tenant.key, json: ["name": .string(name)])
            let id = try #require(created.data["id"]?.stringValue)
            let (browser, _) = try await Self.signIn(app, key: tenant.key)
            for path in ["/console/agents", "/console/agents/\(id)", "/console/agents?q=%3Cscript%3E"] {
                let page = try await browser.get(path)
                #expect(page.status == .ok)
                #expect(page.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"), "\(path) escapes the name")
                #expect(!page.text.contains("<script>alert"), "\(path) has no live script")
            }
        }
    }

    @Test func theBuilderEscapesTextAndAttributeValues() {
        let html = el("a", ["href": "/x?a=1&b=\"2\"", "title": nil]) { "<b>&'"; el("i") { "ok" } }
        #expect(html.markup == #"<a href="/x?a=1&amp;b=&quot;2&quot;">&lt;b&gt;&amp;&#39;<i>ok</i></a>"#)
        #expect(HTML.void("input", ["required": "", "value": "<"]).markup == #"<input required value="&lt;">"#)
    }

    @Test(arguments: TestBackend.available)
    func aKeyWithoutKeysAdminIsRefusedKeyManagement(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let member = try await app.tenant(scopes: Scope.memberScopes)
            let (browser, _) = try await Self.signIn(app, key: member.key)
            let page = try await browser.get("/console/keys")
            #expect(page.status == .forbidden)
            #expect(page.text.contains("not allowed") && page.text.contains("keys:admin"))
            let created = try await browser.submit("/console/keys", "name=sneaky")
            #expect(created.status == .forbidden)
            #expect(try await app.store.apiKeys(orgID: member.org.id).count == 1, "no key was created")
            #expect(try await browser.get("/console/audit").status == .forbidden, "audit:read is needed for the audit view")
            #expect(try await browser.get("/console/agents").status == .ok)
        }
    }

    @Test(arguments: TestBackend.available)
    func anotherOrganisationsObjectsAreNotFound(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let owner = try await app.tenant()
            let id = try await app.keyedAgent(owner)
            let jti = try #require(try await app.issue(owner, id).json["jti"]?.stringValue)
            let (intruder, _) = try await Self.signIn(app, key: try await app.tenant().key)
            #expect(try await intruder.get("/console/agents/\(id)").status == .notFound)
            #expect(try await intruder.get("/console/badges/\(jti)").status == .notFound)
            #expect(try await intruder.submit("/console/badges/\(jti)/revoke", "reason=x").status == .notFound)
            #expect(try await intruder.submit("/console/agents/\(id)/delete").status == .notFound)
            #expect(!(try await intruder.get("/console/badges").text.contains(jti)), "another org's badge is not listed")
            #expect(try await app.store.badge(jti: jti)?.revokedAt == nil)
            // The owner revokes it from the console, and sees it in the list and the audit view.
            let (browser, _) = try await Self.signIn(app, key: owner.key)
            #expect(try await browser.submit("/console/badges/\(jti)/revoke", "reason=drill").status == .seeOther)
            #expect(try await app.store.badge(jti: jti)?.revocationReason == "drill")
            #expect(try await browser.get("/console/badges?status=revoked").text.contains(jti))
            #expect(!(try await browser.get("/console/badges?status=active").text.contains(jti)))
            #expect(try await browser.get("/console/audit?type=badge.revoked").text.contains(jti))
        }
    }

    @Test(arguments: TestBackend.available)
    func mcpServersHaveTheirOwnPagesScopesAndList(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let (browser, _) = try await Self.signIn(app, key: tenant.key)
            let created = try await browser.submit("/console/servers", "name=tools&url=https%3A%2F%2Fmcp.example.com%2Fmcp")
            #expect(created.status == .seeOther)
            let location = try #require(created.headers[.location])
            #expect(location.hasPrefix("/console/servers/"))
            let id = String(location.dropFirst("/console/servers/".count))
            let page = try await browser.get(location)
            #expect(page.status == .ok && page.text.contains("https://mcp.example.com/mcp") && page.text.contains("/servers/\(id)/did.json"))
            #expect(try await browser.get("/console/servers").text.contains(">tools<"))
            #expect(!(try await browser.get("/console/agents").text.contains(">tools<")), "servers are not listed as agents")
            #expect(try await browser.get("/console/agents/\(id)").status == .notFound, "nor found as one")
            let agentsOnly = try await app.tenant(scopes: [Scope.agentsRead, Scope.agentsWrite])
            let (limited, _) = try await Self.signIn(app, key: agentsOnly.key)
            #expect(try await limited.get("/console/servers").status == .forbidden, "servers:read is needed")
            #expect(try await limited.submit("/console/servers", "name=nope").status == .forbidden)
        }
    }

    @Test(arguments: TestBackend.available)
    func caKeyRotationNeedsKeysAdminAndTheTypedKid(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let active = try #require(try await app.ca.listKeys().first { $0.record.state == .active }?.record.kid)
            let (member, _) = try await Self.signIn(app, key: try await app.tenant(scopes: Scope.memberScopes).key)
            #expect(!(try await member.get("/console/ca-keys").text.contains("/console/ca-keys/rotate")), "no rotation form without keys:admin")
            #expect(try await member.submit("/console/ca-keys/rotate", "confirm=\(active)").status == .forbidden)
            let admin = try await app.tenant()
            let (browser, _) = try await Self.signIn(app, key: admin.key)
            #expect(try await browser.get("/console/ca-keys").text.contains("/console/ca-keys/rotate"))
            let wrong = try await browser.submit("/console/ca-keys/rotate", "confirm=\(active)x")
            #expect(wrong.status == .badRequest && wrong.text.contains("Type the active key id exactly"))
            #expect(try await app.ca.listKeys().first { $0.record.state == .active }?.record.kid == active, "nothing rotated")
            #expect(try await browser.submit("/console/ca-keys/rotate", "confirm=\(active)").status == .seeOther)
            let keys = try await app.ca.listKeys()
            let now = try #require(keys.first { $0.record.state == .active }?.record.kid)
            #expect(now != active)
            #expect(keys.first { $0.record.kid == active }?.record.state == .retired)
            let audit = try await app.store.events(EventQuery(orgID: nil, type: "ca.key.rotated"))
            #expect(audit.last?.actor.hasPrefix("apikey:") == true, "audited with the console key as actor")
        }
    }

    @Test(arguments: TestBackend.available)
    func theAuditViewMergesReportedEventsAndFiltersBySource(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let agentID = try await app.keyedAgent(tenant)
            let posted = try await app.request(.post, "/v1/events", key: tenant.key, rawBody: """
                {"events": [{"id": "console-1", "type": "task_started", "agentId": "\(agentID)", "data": {"task": "<b>x</b>"}}]}
                """)
            #expect(posted.status == .accepted)
            let (browser, _) = try await Self.signIn(app, key: tenant.key)
            let all = try await browser.get("/console/audit")
            #expect(all.text.contains("task_started") && all.text.contains("agent.created"), "both sources by default")
            #expect(all.text.contains("&lt;b&gt;x&lt;/b&gt;") && !all.text.contains("<b>x</b>"), "reported bodies are escaped")
            let reported = try await browser.get("/console/audit?source=agent")
            #expect(reported.text.contains("task_started") && !reported.text.contains("agent.created"))
            let registry = try await browser.get("/console/audit?source=registry&agent=\(agentID)")
            #expect(!registry.text.contains("task_started") && registry.text.contains("agent.created"))
            #expect(try await browser.get("/console/audit?source=nope").status == .badRequest)
            #expect(try await browser.get("/console/audit?since=yesterday").status == .badRequest)
        }
    }
}

/// The SHA-256 of a string's UTF-8 bytes (how console session ids are stored).
private func sessionHashBytes(_ text: String) -> [UInt8] {
    Array(Crypto.SHA256.hash(data: Array(text.utf8)))
}
