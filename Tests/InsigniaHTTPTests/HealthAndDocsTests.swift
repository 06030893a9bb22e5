import BadgeCore
import Hummingbird
import InsigniaHTTP
import Registry
import StoreConformance
import Testing

@Suite struct HealthAndDocsTests {
    @Test(arguments: TestBackend.allCases)
    func healthEndpoints(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            for path in ["/health", "/healthz"] {
                let live = try await app.request(.get, path)
                #expect(live.status == .ok)
                #expect(live.json == ["status": "ok"])
                #expect(live.headers[.contentType] == "application/json; charset=utf-8")
            }
            let ready = try await app.request(.get, "/health/ready")
            #expect(ready.status == .ok)
            #expect(ready.json["checks"]?["database"] == "ok")
            #expect(ready.json["checks"]?["ca_key"] == "ok")
            #expect(try await app.request(.get, "/version").json["version"] == .string(InsigniaVersion.version))
        }
    }

    @Test func everyResponseCarriesARequestID() async throws {
        try await TestApp.run(.sqlite) { app in
            let first = try await app.request(.get, "/health")
            let second = try await app.request(.get, "/nope")
            let a = try #require(first.headers[.init("X-Request-Id")!])
            let b = try #require(second.headers[.init("X-Request-Id")!])
            #expect(!a.isEmpty && a != b)
        }
    }

    @Test func unknownRouteIsAJSON404() async throws {
        try await TestApp.run(.sqlite) { app in
            let response = try await app.request(.get, "/v1/nothing/here")
            #expect(response.status == .notFound)
            #expect(response.json["success"] == false)
            #expect(response.errorCode == "not_found")
        }
    }

    @Test func openAPIDocumentIsServedAndParses() async throws {
        try await TestApp.run(.sqlite) { app in
            for path in ["/swagger/doc.json", "/openapi.json"] {
                let doc = try await app.request(.get, path)
                #expect(doc.status == .ok)
                #expect(doc.headers[.contentType] == "application/json; charset=utf-8")
                #expect(doc.json["openapi"] == "3.1.0")
                // The checked-in file, byte for byte.
                #expect(doc.body == OpenAPIDocument.bytes)
            }
            let page = try await app.request(.get, "/swagger/index.html")
            #expect(page.status == .ok)
            #expect(page.text.contains("/swagger/doc.json"))
        }
    }

    /// Every route the router registers must be described in the OpenAPI document.
    @Test func everyRegisteredRouteIsDocumented() async throws {
        let document = try JSONValue.parse(OpenAPIDocument.bytes)
        let paths = try #require(document["paths"]?.objectValue)
        try await TestApp.run(.sqlite) { app in
            let router = buildRouter(AppDependencies(config: app.config, store: app.store, ca: app.ca))
            #expect(router.routes.count > 20)
            for route in router.routes {
                let operation = paths[route.path.description]?[route.method.rawValue.lowercased()]
                #expect(operation != nil, "\(route.method) \(route.path) is missing from the OpenAPI document")
            }
        }
    }
}
