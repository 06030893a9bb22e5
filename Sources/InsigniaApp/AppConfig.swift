import InsigniaHTTP
import Logging
import Registry
import Storage

/// Runtime mode. Production refuses unsafe defaults.
public enum AppEnvironment: String, Sendable {
    case development, production
}

/// A configuration value that cannot be used; printed as one line naming the variable.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public let variable: String
    public let message: String

    public init(_ variable: String, _ message: String) {
        self.variable = variable
        self.message = message
    }

    public var description: String { "\(variable): \(message)" }
}

/// Server configuration, read from environment variables (CONTRACT.md §9).
public struct AppConfig: Sendable {
    /// What the HTTP layer needs of it.
    public var http: HTTPSettings {
        var settings = HTTPSettings()
        settings.host = host
        settings.port = port
        settings.metricsPort = metricsPort
        settings.maxBodyBytes = maxBodyBytes
        settings.apiRateLimit = apiRateLimit
        settings.readTimeoutSeconds = readTimeoutSeconds
        settings.maxConnections = maxConnections
        settings.publicRateLimit = publicRateLimit
        settings.trustedProxies = trustedProxies
        return settings
    }

    public var host = "0.0.0.0"
    public var port = 8080
    /// Port of a second listener that alone serves `GET /metrics` (`METRICS_PORT`); nil: `/metrics` is on `port`.
    public var metricsPort: Int?
    public var database = DatabaseLocation.sqlite(path: DatabaseLocation.defaultSQLitePath)
    /// Most PostgreSQL connections (`DATABASE_POOL_SIZE`); SQLite ignores it.
    public var databasePoolSize = DatabaseLocation.defaultPostgresPoolSize
    public var environment = AppEnvironment.development
    public var logLevel = Logger.Level.info
    /// Issuer origin: `scheme://host[:port]`, no path, no trailing slash (CONTRACT.md §1.1).
    public var issuerURL = "http://localhost:8080"
    /// Largest request body accepted, in bytes.
    public var maxBodyBytes = 1 << 20
    /// CA private key file (`CA_KEY_PATH`); rotated keys live beside it.
    public var caKeyPath = "./keys/ca.jwk"
    /// CA private key as inline JWK JSON (`CA_PRIVATE_KEY_JWK`); wins over the file.
    public var caInlineJWK: String?
    /// Issuance TTLs and limits.
    public var badgePolicy = BadgePolicy()
    /// Proof-of-possession challenge and proof limits.
    public var popPolicy = PoPPolicy()
    /// Event ingestion: retention (`EVENT_RETENTION_DAYS`) and per-key rate (`EVENT_RATE_LIMIT_PER_MINUTE`).
    public var eventPolicy = EventPolicy()
    /// Policy approval rules (`POLICY_REQUIRE_SECOND_APPROVER`).
    public var policySettings = PolicySettings()
    /// Development only: let outbound fetches (did:web documents, HTTP-01) reach loopback over plain
    /// HTTP on any port (`INSIGNIA_DEV_ALLOW_LOOPBACK`). Refused in production.
    public var allowLoopbackFetch = false
    /// Domain validation limits and the bare-token switch (`CAPISCIO_DV_ACCEPT_BARE_TOKEN`).
    public var dvPolicy = DVPolicy()
    /// Recursive resolver for DNS-01 (`DNS_RESOLVER=host:port`); nil: first nameserver of /etc/resolv.conf.
    public var dnsResolver: String?
    /// Development only (`INSIGNIA_DEV_DV_HTTP_PORT`, needs `INSIGNIA_DEV_ALLOW_LOOPBACK`): HTTP-01
    /// files are fetched from 127.0.0.1 on this port instead of from the domain on port 80.
    public var devDVHTTPPort: Int?
    /// Requests per API key per minute on authenticated routes (`API_RATE_LIMIT_PER_MINUTE`).
    public var apiRateLimit = RateLimit.perMinute(1000)
    /// Seconds a client may take to send a request (`HTTP_READ_TIMEOUT`; headers within 10 s).
    public var readTimeoutSeconds: Int64 = 30
    /// Most open connections per listener (`HTTP_MAX_CONNECTIONS`).
    public var maxConnections = 1024
    /// Requests per client address per minute on public verification routes (`PUBLIC_RATE_LIMIT_PER_MINUTE`).
    public var publicRateLimit = RateLimit.perMinute(6000)
    /// Proxies whose `X-Forwarded-For` is believed (`TRUSTED_PROXIES`).
    public var trustedProxies: [IPNetwork] = []
    /// Dashboard session tokens (Clerk): nil turns JWT authentication off.
    public var sessionTokens: SessionTokenSettings?
    /// Verifier of the Clerk webhook (`CLERK_WEBHOOK_SECRET`): nil turns the webhook off.
    public var clerkWebhook: SvixVerifier?
    /// The badge transparency log (`LOG_*`).
    public var log = LogSettings()
    /// The signed trust snapshot (`SNAPSHOT_*`).
    public var snapshot = SnapshotSettings()

    public init() {}

    /// Reads the configuration from `environment`; throws on the first unusable value.
    public static func fromEnvironment(_ environment: [String: String]) throws -> AppConfig {
        var config = AppConfig()
        func value(_ name: String) -> String? {
            guard let raw = environment[name]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
            return raw
        }
        if let host = value("HOST") { config.host = host }
        if let port = value("PORT") {
            guard let number = Int(port), (1...65535).contains(number) else {
                throw ConfigError("PORT", "must be an integer from 1 to 65535 (got '\(port)')")
            }
            config.port = number
        }
        if let mode = value("ENVIRONMENT") {
            guard let parsed = AppEnvironment(rawValue: mode.lowercased()) else {
                throw ConfigError("ENVIRONMENT", "must be 'development' or 'production' (got '\(mode)')")
            }
            config.environment = parsed
        }
        if let level = value("LOG_LEVEL") {
            guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
                throw ConfigError("LOG_LEVEL", "must be one of trace, debug, info, notice, warning, error, critical (got '\(level)')")
            }
            config.logLevel = parsed
        }
        do {
            config.database = try DatabaseLocation.parse(environment["DATABASE_URL"])
        } catch let error as DatabaseLocation.ParseError {
            throw ConfigError("DATABASE_URL", String(error.description.dropFirst("DATABASE_URL: ".count)))
        }
        if let path = value("CA_KEY_PATH") { config.caKeyPath = path }
        config.caInlineJWK = value("CA_PRIVATE_KEY_JWK")
        func integer(_ name: String, _ range: ClosedRange<Int64>) throws -> Int64? {
            guard let text = value(name) else { return nil }
            guard let number = Int64(text), range.contains(number) else {
                throw ConfigError(name, "must be an integer from \(range.lowerBound) to \(range.upperBound) (got '\(text)')")
            }
            return number
        }
        if let port = try integer("METRICS_PORT", 1...65535) {
            guard Int(port) != config.port else {
                throw ConfigError("METRICS_PORT", "must differ from PORT (both are \(port))")
            }
            config.metricsPort = Int(port)
        }
        if let size = try integer("DATABASE_POOL_SIZE", 1...1000) { config.databasePoolSize = Int(size) }
        if let seconds = try integer("HTTP_READ_TIMEOUT", 1...3600) { config.readTimeoutSeconds = seconds }
        if let count = try integer("HTTP_MAX_CONNECTIONS", 1...1_000_000) { config.maxConnections = Int(count) }
        if let limit = try integer("PUBLIC_RATE_LIMIT_PER_MINUTE", 0...10_000_000) { config.publicRateLimit.limit = Int(limit) }
        if let list = value("TRUSTED_PROXIES") {
            config.trustedProxies = try list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map {
                guard let network = IPNetwork($0) else {
                    throw ConfigError("TRUSTED_PROXIES", "must be comma-separated IP addresses or CIDR blocks (got '\($0)')")
                }
                return network
            }
        }
        if let limit = try integer("BADGE_RATE_LIMIT_PER_MINUTE", 0...1_000_000) { config.badgePolicy.issuanceRate.limit = Int(limit) }
        if let limit = try integer("API_RATE_LIMIT_PER_MINUTE", 0...10_000_000) { config.apiRateLimit.limit = Int(limit) }
        if let ttl = try integer("CAPISCIO_BADGE_TTL_MIN", 1...86_400) { config.badgePolicy.minTTL = ttl }
        if let ttl = try integer("CAPISCIO_BADGE_TTL_MAX", 1...86_400) { config.badgePolicy.maxTTL = ttl }
        if let ttl = try integer("CAPISCIO_BADGE_TTL_DEFAULT", 1...86_400) { config.badgePolicy.defaultTTL = ttl }
        let policy = config.badgePolicy
        guard policy.minTTL <= policy.defaultTTL, policy.defaultTTL <= policy.maxTTL else {
            throw ConfigError("CAPISCIO_BADGE_TTL_DEFAULT", "must lie between CAPISCIO_BADGE_TTL_MIN and CAPISCIO_BADGE_TTL_MAX")
        }
        /// A boolean setting: true/1 or false/0.
        func flag(_ name: String) throws -> Bool? {
            guard let text = value(name) else { return nil }
            guard ["true", "1", "false", "0"].contains(text.lowercased()) else {
                throw ConfigError(name, "must be true or false (got '\(text)')")
            }
            return ["true", "1"].contains(text.lowercased())
        }
        if let allow = try flag("INSIGNIA_DEV_ALLOW_LOOPBACK") {
            config.allowLoopbackFetch = allow
            if config.allowLoopbackFetch, config.environment == .production {
                throw ConfigError("INSIGNIA_DEV_ALLOW_LOOPBACK", "is a development switch and is refused when ENVIRONMENT=production")
            }
        }
        if let accept = try flag("CAPISCIO_DV_ACCEPT_BARE_TOKEN") { config.dvPolicy.acceptBareToken = accept }
        if let second = try flag("POLICY_REQUIRE_SECOND_APPROVER") { config.policySettings.requireSecondApprover = second }
        config.dnsResolver = value("DNS_RESOLVER")
        if let port = try integer("INSIGNIA_DEV_DV_HTTP_PORT", 1...65535) {
            guard config.allowLoopbackFetch else {
                throw ConfigError("INSIGNIA_DEV_DV_HTTP_PORT", "is a development setting and needs INSIGNIA_DEV_ALLOW_LOOPBACK=true")
            }
            config.devDVHTTPPort = Int(port)
        }
        if let limit = try integer("POP_CHALLENGE_RATE_LIMIT", 0...1_000_000) { config.popPolicy.challengesPerDID.limit = Int(limit) }
        if let days = try integer("EVENT_RETENTION_DAYS", 1...36_500) { config.eventPolicy.retentionDays = Int(days) }
        if let limit = try integer("EVENT_RATE_LIMIT_PER_MINUTE", 0...100_000_000) { config.eventPolicy.ratePerMinute = Int(limit) }
        config.issuerURL = "http://localhost:\(config.port)"
        if let issuer = value("CA_ISSUER_URL") {
            config.issuerURL = try IssuerOrigin.normalize(issuer, production: config.environment == .production)
        } else if config.environment == .production {
            throw ConfigError("CA_ISSUER_URL", "is required in production (an https origin such as https://registry.example.com)")
        }
        try ClerkSettings.read(value, into: &config)
        try LogSettings.read(value, into: &config.log)
        try SnapshotSettings.read(value, production: config.environment == .production, into: &config.snapshot)
        return config
    }
}

/// `CLERK_*` settings (dashboard session tokens and the user-sync webhook).
enum ClerkSettings {
    static func read(_ value: (String) -> String?, into config: inout AppConfig) throws {
        let production = config.environment == .production
        var source: SessionTokenSettings.KeySource?
        if let url = value("CLERK_JWKS_URL") {
            try checkJWKSURL(url, allowLoopback: config.allowLoopbackFetch)
            source = .jwks(url: url)
        }
        if source == nil, let secret = value("CLERK_SECRET_KEY") {
            // Clerk's Backend API serves the instance's JWKS to its secret key.
            guard secret.utf8.count <= 512, secret.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
                throw ConfigError("CLERK_SECRET_KEY", "must be one token of printable ASCII without spaces (as Clerk shows it, sk_live_…)")
            }
            var base = value("CLERK_API_URL") ?? "https://api.clerk.com"
            if base.hasSuffix("/") { base.removeLast() }
            let url = base + "/v1/jwks"
            try checkJWKSURL(url, allowLoopback: config.allowLoopbackFetch, variable: "CLERK_API_URL")
            source = .jwks(url: url, bearerToken: secret)
        }
        if let pem = value("CLERK_JWT_KEY") {
            do {
                source = .key(try SessionKey(pem: pem))
            } catch {
                throw ConfigError("CLERK_JWT_KEY", "\(error.description)")
            }
        }
        let issuer = value("CLERK_ISSUER")
        if let issuer {
            let secure = issuer.hasPrefix("https://")
            guard secure || (!production && issuer.hasPrefix("http://")) else {
                throw ConfigError("CLERK_ISSUER", "must be an https URL such as https://clerk.example.com (got '\(issuer)')")
            }
        }
        let parties = (value("CLERK_AUTHORIZED_PARTIES") ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if let secret = value("CLERK_WEBHOOK_SECRET") {
            do {
                config.clerkWebhook = try SvixVerifier(secret: secret)
            } catch {
                throw ConfigError("CLERK_WEBHOOK_SECRET", "\(error.description)")
            }
        }
        if let source {
            if production, issuer == nil {
                throw ConfigError("CLERK_ISSUER", "is required in production when CLERK_JWKS_URL, CLERK_JWT_KEY or CLERK_SECRET_KEY is set (your Clerk Frontend API URL)")
            }
            config.sessionTokens = SessionTokenSettings(keySource: source, issuer: issuer, authorizedParties: parties)
        } else if production, issuer != nil || !parties.isEmpty || config.clerkWebhook != nil {
            throw ConfigError("CLERK_JWKS_URL", "Clerk is partly configured: set CLERK_JWKS_URL, CLERK_JWT_KEY or CLERK_SECRET_KEY to verify session tokens")
        }
    }

    /// An https URL (port 443 only, like every outbound fetch), or — under the development loopback
    /// switch — plain http to 127.0.0.1, ::1 or localhost.
    static func checkJWKSURL(_ url: String, allowLoopback: Bool, variable: String = "CLERK_JWKS_URL") throws {
        func authority(_ scheme: String) -> Substring? {
            guard url.hasPrefix(scheme) else { return nil }
            return url.dropFirst(scheme.count).split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first
        }
        if let host = authority("https://"), !host.isEmpty, !host.contains("@"), !url.contains(" ") {
            if let colon = host.lastIndex(of: ":"), !host.hasSuffix("]"), host[host.index(after: colon)...] != "443" {
                throw ConfigError(variable, "must use port 443 (got '\(url)')")
            }
            return
        }
        if allowLoopback, let host = authority("http://") {
            let name = host.hasPrefix("[") ? String(host.prefix { $0 != "]" }.dropFirst()) : String(host.split(separator: ":").first ?? "")
            if ["127.0.0.1", "localhost", "::1"].contains(name) { return }
        }
        throw ConfigError(variable, "must be an https URL such as https://clerk.example.com/.well-known/jwks.json (got '\(url)')")
    }
}

/// Validation of the issuer origin (CONTRACT.md §1.1).
enum IssuerOrigin {
    /// Strips one trailing `/` and checks the value is `scheme://host[:port]`.
    static func normalize(_ value: String, production: Bool) throws -> String {
        var origin = value
        if origin.hasSuffix("/") { origin.removeLast() }
        let scheme: String
        if origin.hasPrefix("https://") { scheme = "https" } else if origin.hasPrefix("http://") { scheme = "http" } else {
            throw ConfigError("CA_ISSUER_URL", "must start with https:// (got '\(value)')")
        }
        let authority = origin.dropFirst(scheme.count + 3)
        guard !authority.isEmpty, !authority.contains(where: { "/?#@ ".contains($0) }) else {
            throw ConfigError("CA_ISSUER_URL", "must be a bare origin scheme://host[:port] with no path, query or user info (got '\(value)')")
        }
        if production, scheme != "https" {
            throw ConfigError("CA_ISSUER_URL", "must be an https origin in production (got '\(value)')")
        }
        return origin
    }
}
