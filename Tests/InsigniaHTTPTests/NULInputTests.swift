import BadgeCore
import Foundation
import HTTPTypes
import InsigniaHTTP
import Registry
import StoreConformance
import Testing

/// NUL (U+0000) in any input string is `400 invalid_input`, by one rule at the edge: the request
/// target (path and query, `%00`) and JSON bodies. PostgreSQL cannot take NUL in text: before the
/// rule, requests whose string reached a query answered 500 there.
@Suite struct NULInputTests {
    @Test(arguments: TestBackend.available)
    func nulInPathOrQueryIsRefusedBeforeRouting(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            for (method, uri, key) in [
                (HTTPRequest.Method.get, "/v1/agents/a%00b", tenant.key), (.delete, "/v1/agents/%00", tenant.key),
                (.get, "/v1/agents?cursor=x%00", tenant.key), (.get, "/v1/events?type=%00", tenant.key),
                (.get, "/v1/badges/%00/status", nil), (.get, "/v1/agents/%00/status", nil), (.get, "/v1/revocations?cursor=%00", nil),
                (.get, "/v1/badges/dv/orders/%00", nil), (.get, "/agents/%00/did.json", nil), (.get, "/v1/orgs/%00", tenant.key),
                (.get, "/no/such/route/%00", nil),
            ] {
                let response = try await app.request(method, uri, key: key)
                #expect(response.status == .badRequest, "\(method) \(uri)")
                #expect(response.errorCode == "invalid_input", "\(method) \(uri)")
                #expect(response.json["success"] == false)
            }
            // "%2500" decodes (once) to the three characters "%00": no NUL, the route answers.
            #expect(try await app.request(.get, "/v1/agents/%2500", key: tenant.key).status == .notFound)
            #expect(try await app.request(.get, "/v1/badges/%2500/status").status == .notFound)
        }
    }

    @Test(arguments: TestBackend.available)
    func nulInAJSONBodyIsRefused(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            for (uri, body) in [
                ("/v1/agents", #"{"name": "a\u0000b"}"#), ("/v1/agents", #"{"name": "ok", "description": "\u0000"}"#),
                ("/v1/agents", #"{"name": "ok", "na\u0000me": "x"}"#), ("/v1/agents", #"{"name": "ok", "tags": [["\u0000"]]}"#),
                ("/v1/api-keys", #"{"name": "\u0000"}"#), ("/v1/badges/revoke", #"{"jti": "\u0000"}"#),
            ] {
                let response = try await app.request(.post, uri, key: tenant.key, rawBody: body)
                #expect(response.status == .badRequest, "\(uri) \(body)")
                #expect(response.errorCode == "invalid_input", "\(uri) \(body)")
            }
            for (uri, body) in [
                ("/v1/validate", #"{"token": "a.b\u0000.c"}"#), ("/v1/badges/dv/orders", #"{"domain": "a\u0000.example", "challenge_type": "dns-01"}"#),
                ("/v1/badges/mint", #"{"grant": "\u0000"}"#),
            ] {
                let response = try await app.request(.post, uri, rawBody: body)
                #expect(response.status == .badRequest && response.errorCode == "invalid_input", "\(uri) \(body)")
            }
            // An escaped backslash followed by "u0000" is six ordinary characters.
            let created = try await app.request(.post, "/v1/agents", key: tenant.key, rawBody: #"{"name": "\\u0000"}"#)
            #expect(created.status == .created)
            #expect(created.data["name"] == #"\u0000"#)
        }
    }

    /// The Clerk webhook verifies the exact bytes before parsing them, then applies the same rule.
    @Test(arguments: TestBackend.available)
    func nulInASignedWebhookEventIsRefused(backend: TestBackend) async throws {
        try await ClerkWebhookTests.run(backend) { app, verifier in
            let user = "user_\(UUID().uuidString)"
            let response = try await ClerkWebhookTests.send(app, verifier, type: "user.created", data: ClerkWebhookTests.userData(user, first: "A\u{0}n"))
            #expect(response.status == .badRequest)
            #expect(response.errorCode == "invalid_input")
            #expect(try await app.store.user(externalID: user) == nil)
        }
    }
}
