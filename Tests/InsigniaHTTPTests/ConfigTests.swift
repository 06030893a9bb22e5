import InsigniaApp
import InsigniaHTTP
import Registry
import Storage
import Testing

@Suite struct ConfigTests {
    @Test func defaults() throws {
        let config = try AppConfig.fromEnvironment([:])
        #expect(config.host == "0.0.0.0" && config.port == 8080)
        #expect(config.database == .sqlite(path: "./data/insignia.sqlite"))
        #expect(config.environment == .development)
        #expect(config.logLevel == .info)
        #expect(config.issuerURL == "http://localhost:8080")
        #expect(config.caKeyPath == "./keys/ca.jwk" && config.caInlineJWK == nil)
        #expect(config.badgePolicy.defaultTTL == 300 && config.badgePolicy.minTTL == 60 && config.badgePolicy.maxTTL == 3600)
        #expect(config.badgePolicy.issuanceRate == .perMinute(100))
        #expect(config.apiRateLimit == .perMinute(1000))
        #expect(config.readTimeoutSeconds == 30 && config.http.headerTimeoutSeconds == 10 && config.maxConnections == 1024)
    }

    @Test func connectionSettings() throws {
        let config = try AppConfig.fromEnvironment(["HTTP_READ_TIMEOUT": "5", "HTTP_MAX_CONNECTIONS": "200"])
        #expect(config.http.readTimeoutSeconds == 5 && config.http.headerTimeoutSeconds == 5 && config.http.maxConnections == 200)
        #expect(try AppConfig.fromEnvironment(["HTTP_READ_TIMEOUT": "60"]).http.headerTimeoutSeconds == 10)
    }

    @Test func publicRateLimitAndTrustedProxies() throws {
        let defaults = try AppConfig.fromEnvironment([:])
        #expect(defaults.publicRateLimit == .perMinute(6000) && defaults.trustedProxies.isEmpty)
        let config = try AppConfig.fromEnvironment(["PUBLIC_RATE_LIMIT_PER_MINUTE": "0", "TRUSTED_PROXIES": " 10.0.0.0/8, 192.0.2.1 ,::1 "])
        #expect(config.http.publicRateLimit.limit == 0)
        #expect(config.http.trustedProxies == [IPNetwork("10.0.0.0/8")!, IPNetwork("192.0.2.1")!, IPNetwork("::1")!])
    }

    @Test func eventSettings() throws {
        let defaults = try AppConfig.fromEnvironment([:])
        #expect(defaults.eventPolicy.retentionDays == 30 && defaults.eventPolicy.ratePerMinute == 6000)
        let config = try AppConfig.fromEnvironment(["EVENT_RETENTION_DAYS": "7", "EVENT_RATE_LIMIT_PER_MINUTE": "0"])
        #expect(config.eventPolicy.retentionDays == 7 && config.eventPolicy.ratePerMinute == 0)
        for bad in [["EVENT_RETENTION_DAYS": "0"], ["EVENT_RETENTION_DAYS": "soon"], ["EVENT_RATE_LIMIT_PER_MINUTE": "-1"]] {
            #expect(throws: ConfigError.self, "\(bad)") { try AppConfig.fromEnvironment(bad) }
        }
    }

    @Test func domainValidationSettings() throws {
        let defaults = try AppConfig.fromEnvironment([:])
        #expect(!defaults.dvPolicy.acceptBareToken && defaults.dnsResolver == nil && defaults.devDVHTTPPort == nil)
        let config = try AppConfig.fromEnvironment([
            "CAPISCIO_DV_ACCEPT_BARE_TOKEN": "true", "DNS_RESOLVER": "127.0.0.1:5353",
            "INSIGNIA_DEV_ALLOW_LOOPBACK": "true", "INSIGNIA_DEV_DV_HTTP_PORT": "8081",
        ])
        #expect(config.dvPolicy.acceptBareToken && config.dnsResolver == "127.0.0.1:5353" && config.devDVHTTPPort == 8081)
        #expect(throws: ConfigError.self) { try AppConfig.fromEnvironment(["INSIGNIA_DEV_DV_HTTP_PORT": "8081"]) }
        #expect(throws: ConfigError.self) { try AppConfig.fromEnvironment(["CAPISCIO_DV_ACCEPT_BARE_TOKEN": "maybe"]) }
    }

    /// `SNAPSHOT_*` (issue #14): any positive TTL in development, at least 60 s in production; the
    /// refresh hint defaults to 60 s or half a shorter TTL and may not exceed the TTL.
    @Test func snapshotSettings() throws {
        let defaults = try AppConfig.fromEnvironment([:]).snapshot
        #expect(defaults.ttl == 600 && defaults.refreshHint == 60 && defaults.keyPath == nil)
        #expect(defaults.keyFile(caKeyPath: "/var/lib/insignia/ca.jwk") == "/var/lib/insignia/snapshot.jwk")
        let short = try AppConfig.fromEnvironment(["SNAPSHOT_TTL": "10"]).snapshot
        #expect(short.ttl == 10 && short.refreshHint == 5)
        #expect(try AppConfig.fromEnvironment(["SNAPSHOT_TTL": "1"]).snapshot.refreshHint == 1)
        let production = try AppConfig.fromEnvironment([
            "ENVIRONMENT": "production", "CA_ISSUER_URL": "https://registry.example.com", "SNAPSHOT_TTL": "60",
            "SNAPSHOT_REFRESH_HINT": "60", "SNAPSHOT_KEY_PATH": "/secrets/snapshot.jwk",
        ]).snapshot
        #expect(production.ttl == 60 && production.refreshHint == 60)
        #expect(production.keyFile(caKeyPath: "/var/lib/insignia/ca.jwk") == "/secrets/snapshot.jwk")
    }

    @Test func readsEveryVariable() throws {
        let config = try AppConfig.fromEnvironment([
            "PORT": "9090", "HOST": "127.0.0.1", "ENVIRONMENT": "production", "LOG_LEVEL": "DEBUG",
            "DATABASE_URL": "postgres://u:p@db:5432/insignia?sslmode=disable", "CA_ISSUER_URL": "https://registry.example.com/",
            "CA_KEY_PATH": "/var/lib/insignia/ca.jwk", "CA_PRIVATE_KEY_JWK": "{}", "BADGE_RATE_LIMIT_PER_MINUTE": "0",
            "API_RATE_LIMIT_PER_MINUTE": "50", "CAPISCIO_BADGE_TTL_MIN": "30", "CAPISCIO_BADGE_TTL_MAX": "600", "CAPISCIO_BADGE_TTL_DEFAULT": "120",
        ])
        #expect(config.port == 9090 && config.host == "127.0.0.1")
        #expect(config.environment == .production && config.logLevel == .debug)
        #expect(config.database == .postgres(url: "postgres://u:p@db:5432/insignia?sslmode=disable"))
        #expect(config.issuerURL == "https://registry.example.com")
        #expect(config.caKeyPath == "/var/lib/insignia/ca.jwk" && config.caInlineJWK == "{}")
        #expect(config.badgePolicy.issuanceRate.limit == 0 && config.apiRateLimit.limit == 50)
        #expect(config.badgePolicy.minTTL == 30 && config.badgePolicy.maxTTL == 600 && config.badgePolicy.defaultTTL == 120)
        #expect(try AppConfig.fromEnvironment(["PORT": "9091"]).issuerURL == "http://localhost:9091")
    }

    @Test(arguments: [
        (["PORT": "abc"], "PORT"), (["PORT": "70000"], "PORT"), (["ENVIRONMENT": "staging"], "ENVIRONMENT"),
        (["LOG_LEVEL": "loud"], "LOG_LEVEL"), (["DATABASE_URL": "mysql://x"], "DATABASE_URL"),
        (["CA_ISSUER_URL": "ftp://x"], "CA_ISSUER_URL"), (["CA_ISSUER_URL": "https://x.example/path"], "CA_ISSUER_URL"),
        (["CA_ISSUER_URL": "https://user@x.example"], "CA_ISSUER_URL"),
        (["ENVIRONMENT": "production"], "CA_ISSUER_URL"),
        (["ENVIRONMENT": "production", "CA_ISSUER_URL": "http://registry.example.com"], "CA_ISSUER_URL"),
        (["BADGE_RATE_LIMIT_PER_MINUTE": "-1"], "BADGE_RATE_LIMIT_PER_MINUTE"),
        (["API_RATE_LIMIT_PER_MINUTE": "lots"], "API_RATE_LIMIT_PER_MINUTE"),
        (["CAPISCIO_BADGE_TTL_DEFAULT": "5000"], "CAPISCIO_BADGE_TTL_DEFAULT"),
        (["METRICS_PORT": "0"], "METRICS_PORT"), (["METRICS_PORT": "65536"], "METRICS_PORT"), (["METRICS_PORT": "metrics"], "METRICS_PORT"),
        (["METRICS_PORT": "8080"], "METRICS_PORT"), (["PORT": "9000", "METRICS_PORT": "9000"], "METRICS_PORT"),
        (["DATABASE_POOL_SIZE": "0"], "DATABASE_POOL_SIZE"), (["DATABASE_POOL_SIZE": "many"], "DATABASE_POOL_SIZE"),
        (["HTTP_READ_TIMEOUT": "0"], "HTTP_READ_TIMEOUT"), (["HTTP_READ_TIMEOUT": "30s"], "HTTP_READ_TIMEOUT"),
        (["HTTP_READ_TIMEOUT": "3601"], "HTTP_READ_TIMEOUT"), (["HTTP_MAX_CONNECTIONS": "0"], "HTTP_MAX_CONNECTIONS"),
        (["HTTP_MAX_CONNECTIONS": "unlimited"], "HTTP_MAX_CONNECTIONS"),
        (["PUBLIC_RATE_LIMIT_PER_MINUTE": "-5"], "PUBLIC_RATE_LIMIT_PER_MINUTE"), (["TRUSTED_PROXIES": "10.0.0.0/8,proxy.local"], "TRUSTED_PROXIES"),
        (["TRUSTED_PROXIES": "10.0.0.0/40"], "TRUSTED_PROXIES"),
        (["SNAPSHOT_TTL": "0"], "SNAPSHOT_TTL"), (["SNAPSHOT_TTL": "-5"], "SNAPSHOT_TTL"), (["SNAPSHOT_TTL": "10m"], "SNAPSHOT_TTL"),
        (["ENVIRONMENT": "production", "CA_ISSUER_URL": "https://registry.example.com", "SNAPSHOT_TTL": "59"], "SNAPSHOT_TTL"),
        (["SNAPSHOT_REFRESH_HINT": "0"], "SNAPSHOT_REFRESH_HINT"), (["SNAPSHOT_REFRESH_HINT": "601"], "SNAPSHOT_REFRESH_HINT"),
        (["SNAPSHOT_TTL": "30", "SNAPSHOT_REFRESH_HINT": "31"], "SNAPSHOT_REFRESH_HINT"),
    ])
    func rejectsBadValuesNamingTheVariable(environment: [String: String], variable: String) {
        #expect {
            _ = try AppConfig.fromEnvironment(environment)
        } throws: { error in
            guard let error = error as? ConfigError else { return false }
            return error.variable == variable && error.description.hasPrefix("\(variable): ") && !error.description.contains("\n")
        }
    }
}
