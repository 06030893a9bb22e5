import BadgeCore
import CAKeys
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import InsigniaApp
import InsigniaHTTP
import Logging
import NIOCore
import Registry
import Storage
import StoreConformance

/// A clock tests can move.
final class TestClock: RegistryClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Int64

    init(_ start: Int64 = Int64(Date().timeIntervalSince1970)) { current = start }

    func now() -> Int64 { lock.withLock { current } }
    func advance(_ seconds: Int64) { lock.withLock { current += seconds } }
}

/// One organisation with an all-scopes API key, created directly through the use cases.
struct TestTenant: Sendable {
    let org: Organization
    let key: String
}

/// The application over a fresh database of one backend, driven through its router or a real socket.
struct TestApp: Sendable {
    let client: any TestClientProtocol
    let store: SQLStore
    let clock: TestClock
    let config: AppConfig
    let ca: CAService
    /// Signs the transparency log's checkpoints.
    let logKey: PrivateJWK
    /// The app's transparency log (nil with `LOG_ENABLED=false`), the instance its routes serve
    /// from, as the server's `LogIntegrator` would; tests integrate it on demand.
    let log: TransparencyLogService?

    /// Runs `body` against the application on `backend`: in process through the router (the
    /// default), or `.live` over a real socket on a loopback port where a test needs one.
    static func run(
        _ backend: TestBackend, configure: @Sendable (inout AppConfig) -> Void = { _ in },
        remoteDIDResolver: (any DIDResolving)? = nil, jwksFetcher: (any JWKSFetching)? = nil,
        domainValidator: (any DomainValidating)? = nil, transport: TestingSetup = .router,
        _ body: @Sendable (TestApp) async throws -> Void
    ) async throws {
        let keyDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("insignia-keys-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: keyDirectory) }
        try await backend.withDatabase { opened, _ in
            // Instrumented as `insignia serve` does, so /metrics reports the pool.
            let metrics = InsigniaMetrics()
            let opened = metrics.instrument(opened)
            var config = AppConfig()
            config.host = "127.0.0.1"
            config.port = 0
            config.issuerURL = "https://registry.test.example"
            config.caKeyPath = keyDirectory.appendingPathComponent("ca.jwk").path
            configure(&config)
            let finalConfig = config
            let clock = TestClock()
            let (ca, _, _) = try await CABootstrap.start(
                store: opened.store, clock: clock, inlineJWK: config.caInlineJWK, keyPath: config.caKeyPath, production: false,
                logsCredentials: config.log.enabled
            )
            let logKey = PrivateJWK.generate(kid: "log")
            var logger = Logger(label: "insignia.test")
            logger.logLevel = .critical
            let deps = Composition.dependencies(
                config: config, store: opened.store, ca: ca, clock: clock,
                outbound: .init(remoteDIDResolver: remoteDIDResolver, jwksFetcher: jwksFetcher, domainValidator: domainValidator),
                metrics: metrics, logKey: logKey
            )
            let app = buildApplication(deps, logger: logger)
            try await app.test(transport) { client in
                try await client.awaitServing()
                try await body(TestApp(
                    client: client, store: opened.store, clock: clock, config: finalConfig, ca: ca, logKey: logKey, log: deps.services.tlog
                ))
            }
        }
    }

    /// Dependencies built by the composition root over this app's store, CA and clock, with `config`
    /// (default: this app's) and no outbound ports.
    func dependencies(_ config: AppConfig? = nil) -> AppDependencies {
        Composition.dependencies(
            config: config ?? self.config, store: store, ca: ca, clock: clock, outbound: .init(), metrics: InsigniaMetrics(), logKey: logKey
        )
    }

    /// A new organisation and API key (scopes: all unless given).
    func tenant(scopes: [String] = []) async throws -> TestTenant {
        let org = try await OrganizationService(store: store, clock: clock).findOrCreate("org-\(UUID().uuidString)")
        let key = try await APIKeyService(store: store, clock: clock).create(orgID: org.id, name: "test", scopes: scopes)
        return TestTenant(org: org, key: key.plaintext)
    }

    /// Sends a request; `key` goes in `X-Capiscio-Registry-Key` unless `bearer` is set.
    @discardableResult
    func request(
        _ method: HTTPRequest.Method, _ uri: String, key: String? = nil, bearer: String? = nil,
        json: JSONValue? = nil, rawBody: String? = nil, headers extra: HTTPFields = [:]
    ) async throws -> TestResult {
        var headers = extra
        if let key { headers[HTTPField.Name("X-Capiscio-Registry-Key")!] = key }
        if let bearer { headers[.authorization] = "Bearer \(bearer)" }
        var body: ByteBuffer?
        if let json {
            body = ByteBuffer(bytes: json.serialized())
            if headers[.contentType] == nil { headers[.contentType] = "application/json" }
        } else if let rawBody {
            body = ByteBuffer(string: rawBody)
            if headers[.contentType] == nil { headers[.contentType] = "application/json" }
        }
        let response = try await client.execute(uri: uri, method: method, headers: headers, body: body)
        return TestResult(status: response.status, headers: response.headers, body: Array(response.body.readableBytesView))
    }
}

/// A response with its body parsed on demand.
struct TestResult: Sendable {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let body: [UInt8]

    /// The body as JSON (a parse failure yields `.null`, which fails any field assertion).
    var json: JSONValue { (try? JSONValue.parse(body)) ?? .null }
    var data: JSONValue { json["data"] ?? .null }
    var errorCode: String? { json["error"]?.stringValue }
    var text: String { String(decoding: body, as: UTF8.self) }
}

extension TestClientProtocol {
    /// One request before the test proper, so the test client's eagerly opened connection is being
    /// served before anything else happens. Without it, a test that ends at once (say, a backend
    /// that is not configured) shuts the server down while that connection is still queued
    /// unaccepted, which traps in NIO (apple/swift-nio#3481: "Deinited NIOAsyncWriter without
    /// calling finish()") and takes the whole test process down.
    ///
    /// Under a short read timeout (`ConnectionTests`: 1 s) a stalled machine may reach this after the
    /// server has already closed that connection as idle. The write then fails as I/O on a closed
    /// channel; the connection was served, which is all this waits for.
    func awaitServing() async throws {
        do {
            _ = try await execute(uri: "/health/ready", method: .get)
        } catch ChannelError.ioOnClosedChannel {}
    }
}
