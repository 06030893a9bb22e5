import Hummingbird
import HummingbirdTesting
import InsigniaApp
import InsigniaHTTP
import NIOCore
import NIOPosix
import Testing

/// `METRICS_PORT`: `/metrics` moves to a listener of its own.
@Suite struct MetricsPortTests {
    @Test func configReadsMetricsPortAndPoolSize() throws {
        let defaults = try AppConfig.fromEnvironment([:])
        #expect(defaults.metricsPort == nil && defaults.databasePoolSize >= 8)
        let config = try AppConfig.fromEnvironment(["PORT": "8080", "METRICS_PORT": "9464", "DATABASE_POOL_SIZE": "32"])
        #expect(config.metricsPort == 9464 && config.databasePoolSize == 32)
    }

    @Test func routersSplitWhenMetricsPortIsSet() async throws {
        try await TestApp.run(.sqlite) { app in
            var config = app.config
            config.metricsPort = 9464
            let deps = app.dependencies(config)
            try await Application(router: buildRouter(deps)).test(.router) { client in
                let metrics = try await client.execute(uri: "/metrics", method: .get)
                let health = try await client.execute(uri: "/health", method: .get)
                #expect(metrics.status == .notFound && health.status == .ok)
            }
            try await Application(router: buildMetricsRouter(deps)).test(.router) { client in
                let response = try await client.execute(uri: "/metrics", method: .get)
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("insignia_ca_active_key_age_seconds"))
                let health = try await client.execute(uri: "/health", method: .get)
                #expect(health.status == .notFound)
            }
        }
    }

    /// The real thing: `buildApplication` listens on both ports, and the test's shutdown stops both.
    @Test func applicationServesMetricsOnItsOwnPort() async throws {
        let metricsPort = try await freePort()
        try await TestApp.run(.sqlite, configure: { $0.metricsPort = metricsPort }) { app in
            _ = try await app.request(.get, "/health")
            #expect(try await app.request(.get, "/metrics").status == .notFound)
            let response = try await TestClient.withClient(host: "127.0.0.1", port: metricsPort) { client in
                try await client.execute(.init("/metrics", method: .get))
            }
            #expect(response.status == .ok)
            let text = String(buffer: response.body ?? ByteBuffer())
            #expect(text.contains(#"insignia_http_requests_total{route="/health",method="GET",status="200"} 1"#))
            #expect(text.contains("insignia_db_pool_size"))
        }
    }

    /// A port nothing listens on: bound to 0 to let the kernel pick, then released.
    func freePort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(channel.localAddress?.port)
        try await channel.close()
        return port
    }
}
