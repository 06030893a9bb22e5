import BadgeCore
import Hummingbird
import InsigniaApp
import InsigniaHTTP
import Registry
import StoreConformance
import Testing

@Suite struct HealthAndDocsTests {
    @Test(arguments: TestBackend.available)
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
            #expect(page.headers[.contentSecurityPolicy]?.hasPrefix("default-src 'self';") == true)
            // Swagger UI comes from this server, never from another origin, and starts from our file.
            #expect(!page.text.contains("http"))
            #expect(!page.text.contains("<script>"))
            for (path, type) in [("/swagger/swagger-ui-bundle.js", "text/javascript"), ("/swagger/swagger-ui.css", "text/css")] {
                let asset = try await app.request(.get, path)
                #expect(asset.status == .ok)
                #expect(asset.headers[.contentType]?.hasPrefix(type) == true)
                #expect(asset.body.count > 100_000)
            }
            let initializer = try await app.request(.get, "/swagger/swagger-initializer.js")
            #expect(initializer.text.contains("/swagger/doc.json") && initializer.text.contains("validatorUrl: null"))
        }
    }

    /// The router's routes and the document's operations are the same set of (method, path):
    /// every operation in `paths`, plus one route per path in an operation's `x-aliases` (same
    /// method, same handler), each alias named in the operation's description. Read from the
    /// resource the server serves.
    @Test func routerAndDocumentHaveTheSameRoutes() async throws {
        let document = try JSONValue.parse(OpenAPIDocument.bytes)
        let paths = try #require(document["paths"]?.objectValue)
        let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options", "trace"]
        var documented: [String] = []
        for (path, item) in paths {
            for (method, operation) in try #require(item.objectValue) where methods.contains(method) {
                documented.append("\(method.uppercased()) \(path)")
                for alias in operation["x-aliases"]?.arrayValue ?? [] {
                    let alias = try #require(alias.stringValue, "x-aliases of \(method) \(path) must be strings")
                    documented.append("\(method.uppercased()) \(alias)")
                    #expect(
                        operation["description"]?.stringValue?.contains("`\(method.uppercased()) \(alias)`") == true,
                        "the description of \(method.uppercased()) \(path) does not name its alias \(alias)"
                    )
                }
            }
        }
        #expect(Set(documented).count == documented.count, "a route is documented twice")
        let documentedRoutes = Set(documented)
        try await TestApp.run(.sqlite) { app in
            let router = buildRouter(app.dependencies())
            // HEAD is not documented per operation: the router generates it for every GET when it
            // builds its responder (the info description states the rule; MethodTests checks it).
            // Routes registered explicitly for HEAD would have to be documented.
            // Browser pages and files (the console, Swagger UI's assets) are not API operations and
            // stay out of the document by one path rule (`BrowserRoutes`); there must be some.
            let browserOnly = router.routes.filter { BrowserRoutes.isBrowserOnly($0.path.description) }
            #expect(browserOnly.count >= 6 && browserOnly.allSatisfy { !documentedRoutes.contains("\($0.method.rawValue) \($0.path)") })
            let registered = router.routes.filter { !BrowserRoutes.isBrowserOnly($0.path.description) }.map { "\($0.method.rawValue) \($0.path)" }
            #expect(router.routes.allSatisfy { $0.method != .head }, "HEAD routes are generated from GET, not registered")
            #expect(registered.count > 50)
            #expect(Set(registered).count == registered.count, "a route is registered twice")
            let missing = Set(registered).subtracting(documentedRoutes).sorted()
            let extra = documentedRoutes.subtracting(registered).sorted()
            #expect(missing.isEmpty, "registered but not in openapi.json: \(missing)")
            #expect(extra.isEmpty, "in openapi.json but not registered: \(extra)")
        }
    }
}
