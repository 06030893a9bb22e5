import BadgeCore
import Foundation
import HTTPTypes
import Outbound
import Registry
import StoreConformance
import Testing

/// The console's domain validation pages (an organisation's DV orders and grants, revoking a
/// grant) over a real DNS-01 validation on loopback, and the transparency log on the overview and
/// badge pages; both backends.
@Suite struct ConsoleDVTests {
    /// Runs `body` with an app whose DNS-01 checks ask a responder on loopback.
    static func withValidation(_ backend: TestBackend, _ body: @Sendable (TestApp, DNSResponder) async throws -> Void) async throws {
        let responder = DNSResponder()
        try await responder.run { port in
            let validator = DomainValidator(
                dns: DNSClient(resolver: IPAddress("127.0.0.1")!, port: port, timeout: .seconds(2)), acceptBareToken: false, allowLoopback: true
            )
            try await TestApp.run(backend, domainValidator: validator) { app in try await body(app, responder) }
        }
    }

    /// A DNS-01 order for `domain` created with `tenant`'s key and finalized: (order id, grant jti, grant token).
    static func grant(_ app: TestApp, _ responder: DNSResponder, _ tenant: TestTenant, domain: String) async throws -> (String, String, String) {
        let created = try await app.order(["domain": .string(domain), "challenge_type": "dns-01", "jwk": DVKey().publicJSON], key: tenant.key)
        let id = try #require(created.json["id"]?.stringValue)
        responder.publish("_capiscio-challenge.\(domain)", [try #require(created.json["challenge"]?["expected_content"]?.stringValue)])
        let finalized = try await app.finalize(id, key: tenant.key)
        return (id, try #require(finalized.json["grant_jti"]?.stringValue), try #require(finalized.json["grant"]?.stringValue))
    }

    @Test(arguments: TestBackend.available)
    func ordersAndGrantsAreListedAndShownWithoutTheGrantToken(backend: TestBackend) async throws {
        try await Self.withValidation(backend) { app, responder in
            let tenant = try await app.tenant()
            let (orderID, jti, token) = try await Self.grant(app, responder, tenant, domain: "console-dv.example.com")
            let pending = try await app.order(["domain": "pending.example.com", "challenge_type": "http-01", "jwk": DVKey().publicJSON], key: tenant.key)
            let pendingID = try #require(pending.json["id"]?.stringValue)
            let (browser, _) = try await ConsoleTests.signIn(app, key: tenant.key)

            let grants = try await browser.get("/console/dv/grants")
            #expect(grants.status == .ok && grants.text.contains(jti) && grants.text.contains("console-dv.example.com"))
            #expect(grants.text.contains(#"class="state valid""#))
            let orders = try await browser.get("/console/dv/orders")
            #expect(orders.status == .ok && orders.text.contains(orderID) && orders.text.contains(pendingID))
            #expect(orders.text.contains("pending.example.com") && orders.text.contains(#"class="state pending""#))

            let order = try await browser.get("/console/dv/orders/\(orderID)")
            #expect(order.status == .ok && order.text.contains("_capiscio-challenge.console-dv.example.com") && order.text.contains(jti))
            let http = try await browser.get("/console/dv/orders/\(pendingID)")
            #expect(http.text.contains("http://pending.example.com/.well-known/"), "an HTTP-01 order shows where to serve the token")
            let detail = try await browser.get("/console/dv/grants/\(jti)")
            #expect(detail.status == .ok && detail.text.contains(#"id="grant-status">valid<"#) && detail.text.contains("/revoke"))
            for page in [grants, orders, order, detail] { #expect(!page.text.contains(token), "the grant token is never shown") }
            #expect(try await browser.get("/console/dv/orders/\(UUID().uuidString.lowercased())").status == .notFound)
            #expect(try await browser.get("/console/dv/grants?cursor=nonsense").status == .badRequest)
        }
    }

    @Test(arguments: TestBackend.available)
    func anotherOrganisationsOrdersAndGrantsAreNotFound(backend: TestBackend) async throws {
        try await Self.withValidation(backend) { app, responder in
            let owner = try await app.tenant()
            let (orderID, jti, _) = try await Self.grant(app, responder, owner, domain: "owned.example.com")
            let (intruder, _) = try await ConsoleTests.signIn(app, key: try await app.tenant().key)
            for path in ["/console/dv/orders/\(orderID)", "/console/dv/grants/\(jti)", "/console/dv/grants/\(jti)/revoke"] {
                let page = try await intruder.get(path)
                #expect(page.status == .notFound, "\(path)")
                #expect(page.text.contains("not found") && !page.text.hasPrefix("{"), "\(path): a readable page")
            }
            #expect(try await intruder.submit("/console/dv/grants/\(jti)/revoke", "reason=x").status == .notFound)
            #expect(try await app.store.dvGrant(jti: jti)?.revokedAt == nil, "nothing was revoked")
            #expect(!(try await intruder.get("/console/dv/grants").text.contains(jti)))
            #expect(!(try await intruder.get("/console/dv/orders").text.contains(orderID)))
        }
    }

    @Test(arguments: TestBackend.available)
    func revokingAGrantNeedsTheTokenAConfirmationAndBadgesRevoke(backend: TestBackend) async throws {
        try await Self.withValidation(backend) { app, responder in
            let tenant = try await app.tenant()
            let (_, jti, _) = try await Self.grant(app, responder, tenant, domain: "revoke.example.com")
            let (browser, _) = try await ConsoleTests.signIn(app, key: tenant.key)
            let confirm = try await browser.get("/console/dv/grants/\(jti)/revoke")
            #expect(confirm.status == .ok && confirm.text.contains("cannot be undone") && confirm.text.contains(#"id="confirm-revoke""#))
            #expect(try await browser.post("/console/dv/grants/\(jti)/revoke", "reason=x").status == .forbidden, "no anti-forgery token")
            #expect(try await app.store.dvGrant(jti: jti)?.revokedAt == nil)
            let revoked = try await browser.submit("/console/dv/grants/\(jti)/revoke", "reason=%3Cb%3Eleaked%3C%2Fb%3E")
            #expect(revoked.status == .seeOther && revoked.headers[.location] == "/console/dv/grants/\(jti)")
            #expect(try await app.store.dvGrant(jti: jti)?.revokedAt == app.clock.now())
            let detail = try await browser.get("/console/dv/grants/\(jti)")
            #expect(detail.text.contains(#"id="grant-status">revoked<"#) && !detail.text.contains("/revoke\""))
            let again = try await browser.submit("/console/dv/grants/\(jti)/revoke")
            #expect(again.status == .conflict && again.text.contains("revoked"))
            // Audited with the console's key as actor; the reason renders as text.
            let events = try await app.store.events(EventQuery(orgID: tenant.org.id, type: "dv.grant.revoked"))
            #expect(events.count == 1 && events[0].actor.hasPrefix("apikey:") && events[0].subject == jti)
            let audit = try await browser.get("/console/audit?type=dv.grant.revoked")
            #expect(audit.text.contains(jti) && audit.text.contains("&lt;b&gt;leaked") && !audit.text.contains("<b>leaked"))
        }
    }

    @Test(arguments: TestBackend.available)
    func aKeyWithoutBadgesRevokeCannotRevokeAGrant(backend: TestBackend) async throws {
        try await Self.withValidation(backend) { app, responder in
            let tenant = try await app.tenant()
            let (_, jti, _) = try await Self.grant(app, responder, tenant, domain: "scoped.example.com")
            let readerKey = try await APIKeyService(store: app.store, clock: app.clock).create(orgID: tenant.org.id, name: "reader", scopes: [Scope.agentsRead])
            let (reader, _) = try await ConsoleTests.signIn(app, key: readerKey.plaintext)
            #expect(try await reader.get("/console/dv/grants/\(jti)").status == .ok)
            let page = try await reader.get("/console/dv/grants/\(jti)/revoke")
            #expect(page.status == .forbidden && page.text.contains("badges:revoke"))
            #expect(try await reader.submit("/console/dv/grants/\(jti)/revoke").status == .forbidden)
            #expect(try await app.store.dvGrant(jti: jti)?.revokedAt == nil)
        }
    }

    @Test(arguments: TestBackend.available)
    func theOverviewShowsTheLogAndBadgesLinkTheirInclusionProof(backend: TestBackend) async throws {
        try await TestApp.run(backend, configure: { $0.log.enabled = true }) { app in
            let tenant = try await app.tenant()
            let agentID = try await app.keyedAgent(tenant)
            let jti = try #require(try await app.issue(tenant, agentID).json["jti"]?.stringValue)
            let (browser, _) = try await ConsoleTests.signIn(app, key: tenant.key)
            let before = try await browser.get("/console/overview")
            #expect(before.text.contains(#"id="tlog-age">none yet<"#) && before.text.contains(#"id="tlog-pending">1<"#))
            _ = try await app.log?.integrate()
            app.clock.advance(90)
            let after = try await browser.get("/console/overview")
            #expect(after.text.contains(#"id="tlog-size"><a href="/tlog/checkpoint">1</a>"#), "\(after.text)")
            #expect(after.text.contains(#"id="tlog-age">1 min<"#) && after.text.contains(#"id="tlog-pending">0<"#))
            let badge = try await browser.get("/console/badges/\(jti)")
            #expect(badge.text.contains(#"href="/v1/badges/\#(jti)/proof""#))

            // The trust snapshot's sequence, as the served snapshot carries it.
            let served = try await app.request(.get, "/v1/trust/snapshot")
            let sequence = try #require(try CompactJWS.parse(served.text, maxLength: 1 << 20).payload["sequence"]?.intValue)
            let withSnapshot = try await browser.get("/console/overview")
            #expect(withSnapshot.text.contains(#"id="snapshot-sequence"><a href="/v1/trust/snapshot">\#(sequence)</a>"#), "\(withSnapshot.text)")
            #expect(withSnapshot.text.contains(#"id="snapshot-bytes">\#(served.body.count) bytes<"#))
            // The counts are shared for a few seconds: a new agent shows in the list at once, in
            // the overview's count after that.
            let agents = #"<dt>Agents</dt><dd><a href="/console/agents">"#
            #expect(withSnapshot.text.contains("Counted ") && withSnapshot.text.contains(agents + "1</a>"), "\(withSnapshot.text)")
            let second = try await app.keyedAgent(tenant)
            #expect(try await browser.get("/console/agents").text.contains(second), "the new agent is listed at once")
            #expect(try await browser.get("/console/overview").text.contains(agents + "1</a>"), "the count within its window")
            #expect(try await app.request(.get, "/v1/badges/\(jti)/proof").status == .ok, "the link answers")
        }
        try await TestApp.run(backend, configure: { $0.log.enabled = false }) { app in
            let tenant = try await app.tenant()
            let jti = try #require(try await app.issue(tenant, try await app.keyedAgent(tenant)).json["jti"]?.stringValue)
            let (browser, _) = try await ConsoleTests.signIn(app, key: tenant.key)
            #expect(!(try await browser.get("/console/overview").text.contains("Transparency log")))
            #expect(!(try await browser.get("/console/badges/\(jti)").text.contains("/proof")), "no proof link without the log")
        }
    }
}
