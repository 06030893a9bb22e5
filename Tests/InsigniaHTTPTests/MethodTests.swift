import BadgeCore
import Foundation
import HTTPTypes
import InsigniaHTTP
import StoreConformance
import Testing

/// HEAD wherever GET exists, and 405 with `Allow` for a known path asked with another method.
@Suite struct MethodTests {
    @Test(arguments: TestBackend.available)
    func everyGetRouteAnswersHeadWithTheSameStatusAndNoBody(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let agentID = try await app.keyedAgent(tenant)
            let router = buildRouter(app.dependencies())
            let gets = router.routes.filter { $0.method == .get }.map { "\($0.path)" }
            #expect(gets.count > 20)
            for pattern in gets {
                // Parameters get the agent's id (a real one for agent routes, unknown elsewhere).
                let uri = pattern.split(separator: "/", omittingEmptySubsequences: false).map { part in
                    part.hasPrefix("{") || part.hasPrefix(":") ? agentID : (part == "*" || part == "**" ? "x" : String(part))
                }.joined(separator: "/")
                let get = try await app.request(.get, uri, key: tenant.key)
                let head = try await app.request(.head, uri, key: tenant.key)
                #expect(head.status == get.status, "HEAD \(uri): \(head.status) vs GET \(get.status)")
                #expect(head.body.isEmpty, "HEAD \(uri) has a body")
                #expect(head.headers[.contentType] == get.headers[.contentType], "HEAD \(uri)")
            }
            #expect(try await app.request(.head, "/health").status == .ok)
        }
    }

    @Test(arguments: TestBackend.available)
    func aKnownPathWithAnotherMethodIs405WithAllow(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let agentID = try await app.keyedAgent(tenant)
            for (method, uri, allow) in [
                (HTTPRequest.Method.post, "/health", "GET, HEAD"), (.delete, "/.well-known/jwks.json", "GET, HEAD"),
                (.get, "/v1/validate", "POST"), (.patch, "/v1/agents", "GET, HEAD, POST"),
                (.post, "/v1/agents/\(agentID)", "DELETE, GET, HEAD, PUT"), (.get, "/v1/badges/revoke", "POST"),
            ] {
                let response = try await app.request(method, uri, key: tenant.key)
                #expect(response.status == .methodNotAllowed, "\(method) \(uri): \(response.status)")
                #expect(response.errorCode == "method_not_allowed" && response.json["success"] == false, "\(method) \(uri)")
                #expect(response.headers[.allow] == allow, "\(method) \(uri): \(response.headers[.allow] ?? "-")")
            }
            // Unknown paths stay 404, and a route's own 404 is not turned into 405.
            let unknown = try await app.request(.post, "/no/such/route")
            #expect(unknown.status == .notFound && unknown.errorCode == "not_found")
            #expect(try await app.request(.get, "/v1/agents/no-such-agent", key: tenant.key).status == .notFound)
        }
    }
}
