import BadgeCore
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import Registry
import ServiceLifecycle

/// The use cases the HTTP layer serves, built by the composition root (`InsigniaApp`). Nothing in
/// this target constructs a use case.
public struct AppServices: Sendable {
    public var agents: AgentService
    public var badges: BadgeService
    public var pop: PoPService
    public var apiKeys: APIKeyService
    /// Admin console sign-in sessions (`/console`).
    public var consoleSessions: ConsoleSessionService
    public var identities: IdentityService
    public var mint: MintService
    public var dv: DVService
    public var ca: CAService
    public var organizations: OrganizationService
    public var auditLog: AuditLogService
    /// Event ingestion and the merged event timeline (`/v1/events`).
    public var events: EventService
    /// The badge transparency log; nil when `LOG_ENABLED=false`.
    public var tlog: TransparencyLogService?
    /// The signed trust snapshot (`/v1/trust/snapshot`, issue #14).
    public var trustSnapshots: TrustSnapshotPublisher
    /// Policy documents, groups, bundles (issue #16).
    public var policies: PolicyService
    /// Counts authenticated requests per API key (`API_RATE_LIMIT_PER_MINUTE`).
    public var limiter: RateLimiter
    /// Verifies dashboard session tokens; nil: Clerk sign-in is off.
    public var sessionTokens: SessionTokenVerifier?
    /// Verifies Clerk webhook deliveries; nil: the webhook is off.
    public var clerkWebhook: SvixVerifier?
    public var clock: any RegistryClock
    /// Named checks behind `GET /health/ready` (database, CA key).
    public var readiness: [(name: String, check: @Sendable () async throws -> Void)]
    /// Rotates the CA signing key as `insignia ca rotate` does (a new key file beside CA_KEY_PATH),
    /// audited with the given actor; nil: the console offers no rotation.
    public var rotateCAKey: (@Sendable (_ actor: String) async throws -> CAKeyRecord)?

    public init(
        agents: AgentService, badges: BadgeService, pop: PoPService, apiKeys: APIKeyService, consoleSessions: ConsoleSessionService,
        identities: IdentityService,
        mint: MintService, dv: DVService, ca: CAService, organizations: OrganizationService, auditLog: AuditLogService, events: EventService,
        policies: PolicyService, limiter: RateLimiter,
        sessionTokens: SessionTokenVerifier?, clerkWebhook: SvixVerifier?, clock: any RegistryClock,
        readiness: [(name: String, check: @Sendable () async throws -> Void)], tlog: TransparencyLogService? = nil,
        trustSnapshots: TrustSnapshotPublisher, rotateCAKey: (@Sendable (_ actor: String) async throws -> CAKeyRecord)? = nil
    ) {
        self.tlog = tlog
        self.trustSnapshots = trustSnapshots
        self.agents = agents
        self.badges = badges
        self.pop = pop
        self.apiKeys = apiKeys
        self.consoleSessions = consoleSessions
        self.identities = identities
        self.mint = mint
        self.dv = dv
        self.ca = ca
        self.organizations = organizations
        self.auditLog = auditLog
        self.events = events
        self.policies = policies
        self.limiter = limiter
        self.sessionTokens = sessionTokens
        self.clerkWebhook = clerkWebhook
        self.clock = clock
        self.readiness = readiness
        self.rotateCAKey = rotateCAKey
    }
}

/// The HTTP layer's own settings: listeners and request limits.
public struct HTTPSettings: Sendable {
    public var host = "0.0.0.0"
    public var port = 8080
    /// Port of a second listener that alone serves `GET /metrics`; nil: `/metrics` is on `port`.
    public var metricsPort: Int?
    /// Largest request body accepted, in bytes.
    public var maxBodyBytes = 1 << 20
    /// Requests per API key per minute on authenticated routes.
    public var apiRateLimit = RateLimit.perMinute(1000)
    /// Most seconds a client may take to send a whole request (`HTTP_READ_TIMEOUT`); its headers
    /// must come within `headerTimeoutSeconds` (at most this), which is also the idle timeout.
    public var readTimeoutSeconds: Int64 = 30
    public var headerTimeoutSeconds: Int64 { min(10, readTimeoutSeconds) }
    /// Most open connections per listener (`HTTP_MAX_CONNECTIONS`); more wait to be accepted.
    public var maxConnections = 1024
    /// Requests per client address per minute on the public verification routes
    /// (`PUBLIC_RATE_LIMIT_PER_MINUTE`), counted per process.
    public var publicRateLimit = RateLimit.perMinute(6000)
    /// Peers whose `X-Forwarded-For` names the client (`TRUSTED_PROXIES`).
    public var trustedProxies: [IPNetwork] = []

    public init() {}
}

/// Everything the HTTP layer needs, assembled by the composition root.
public struct AppDependencies: Sendable {
    public let services: AppServices
    public let settings: HTTPSettings
    /// Counters and histograms behind `GET /metrics`.
    public let metrics: InsigniaMetrics

    public init(services: AppServices, settings: HTTPSettings, metrics: InsigniaMetrics) {
        self.services = services
        self.settings = settings
        self.metrics = metrics
    }
}

/// The server's version, reported by `/version`.
public enum InsigniaVersion {
    public static let version = "0.1.0"
}

/// Builds the router: public routes first, then the group authenticated by API key or session token.
/// `GET /metrics` is among them unless `METRICS_PORT` moves it to `buildMetricsRouter`.
public func buildRouter(_ deps: AppDependencies) -> Router<AppRequestContext> {
    let routes = RouteTable()
    let router = makeRouter(deps, routes: routes)
    let services = deps.services
    let limit = deps.settings.maxBodyBytes

    HealthController(readinessChecks: services.readiness, version: InsigniaVersion.version, commit: ProcessInfoCommit.value)
        .register(on: router)
    DocsController().register(on: router)
    StaticAssets.register(on: router)
    if deps.settings.metricsPort == nil { MetricsController(deps).register(on: router) }

    var authenticator = Authenticator(apiKeys: services.apiKeys, limiter: services.limiter, rateLimit: deps.settings.apiRateLimit)
    if let verifier = services.sessionTokens {
        authenticator.sessions = SessionAuthentication(verifier: verifier, identities: services.identities)
    }
    ClerkWebhookController(verifier: services.clerkWebhook, identities: services.identities, clock: services.clock, bodyLimit: limit)
        .register(on: router)
    let publicRoutes = router.group().add(middleware: PublicRateLimitMiddleware(
        limiter: PublicRateLimiter(rule: deps.settings.publicRateLimit, clock: services.clock)
    ))
    PublicController(
        badges: services.badges, agents: services.agents, mint: services.mint, ca: services.ca, metrics: deps.metrics, bodyLimit: limit
    ).register(on: router, limited: publicRoutes)
    TlogController(log: services.tlog).register(on: publicRoutes)
    TrustSnapshotController(publisher: services.trustSnapshots).register(on: publicRoutes)
    // Issuance authenticates inside: IAL-0 needs an API key, IAL-1 is authenticated by its proof.
    let badgeController = BadgeController(
        badges: services.badges, pop: services.pop, authenticator: authenticator, metrics: deps.metrics, bodyLimit: limit
    )
    badgeController.registerIssuance(on: router)
    let dvController = DVController(dv: services.dv, authenticator: authenticator, bodyLimit: limit)
    dvController.register(on: router)
    dvController.registerGrants(on: router)
    MintController(mint: services.mint, bodyLimit: limit).register(on: router)

    let authenticated = router.group().add(middleware: AuthMiddleware(authenticator: authenticator))
    APIKeyController(apiKeys: services.apiKeys, bodyLimit: limit).register(on: authenticated)
    AgentController(agents: services.agents, routes: .agents, bodyLimit: limit).register(on: authenticated)
    AgentController(agents: services.agents.scoped(to: .mcpServer), routes: .servers, bodyLimit: limit).register(on: authenticated)
    OrganizationController(identities: services.identities).register(on: authenticated)
    badgeController.register(on: authenticated)
    EventsController(events: services.events, bodyLimit: limit).register(on: authenticated)
    ConsoleController(services: services, bodyLimit: limit).register(on: router)
    let policyController = PolicyController(policies: services.policies, bodyLimit: limit)
    policyController.registerBundle(on: router.group().add(middleware: AuthMiddleware(authenticator: authenticator, keyAge: APIKeyService.bundleKeyAge)))
    policyController.register(on: authenticated)
    routes.load(router.routes.map { ($0.method, $0.path.description) })
    return router
}

/// Builds the router of the `METRICS_PORT` listener: `GET /metrics` alone.
public func buildMetricsRouter(_ deps: AppDependencies) -> Router<AppRequestContext> {
    let routes = RouteTable()
    let router = makeRouter(deps, routes: routes)
    MetricsController(deps).register(on: router)
    routes.load(router.routes.map { ($0.method, $0.path.description) })
    return router
}

/// An empty router with the middleware every listener shares: request log and metrics, then error
/// mapping, then 405 for a known path asked with another method, then the refusal of NUL
/// characters in the path or query. Every GET route also answers HEAD (same status and headers, no
/// body); `routes` is loaded once the routes are registered.
private func makeRouter(_ deps: AppDependencies, routes: RouteTable) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: RequestLogMiddleware(metrics: deps.metrics))
    router.add(middleware: ErrorMiddleware(metrics: deps.metrics))
    router.add(middleware: ClientAddressMiddleware(trusted: deps.settings.trustedProxies))
    router.add(middleware: MethodNotAllowedMiddleware(routes: routes))
    router.add(middleware: NULRefusalMiddleware())
    return router
}

/// Builds the application on `HOST:PORT` with `services` (e.g. the PostgreSQL pool) alongside, and,
/// when `METRICS_PORT` is set, the metrics listener on `HOST:METRICS_PORT` as one more service, so
/// the signal that stops the server stops it too.
public func buildApplication(_ deps: AppDependencies, services: [any Service] = [], logger: Logger) -> some ApplicationProtocol {
    var services = services
    if let metricsPort = deps.settings.metricsPort {
        services.append(Application(
            router: buildMetricsRouter(deps),
            server: httpServer(deps.settings),
            configuration: listener(deps.settings, port: metricsPort, logger: logger),
            logger: logger
        ))
    }
    return Application(
        router: buildRouter(deps),
        server: httpServer(deps.settings),
        configuration: listener(deps.settings, port: deps.settings.port, logger: logger),
        services: services,
        logger: logger
    )
}

/// HTTP/1.1 with the connection limits of `ConnectionGuard`.
private func httpServer(_ settings: HTTPSettings) -> HTTPServerBuilder {
    let limits = ConnectionGuard.Limits(
        headerTimeout: .seconds(settings.headerTimeoutSeconds), readTimeout: .seconds(settings.readTimeoutSeconds)
    )
    return .http1(configuration: .init(additionalChannelHandlers: [ConnectionGuard(limits)]))
}

/// A listener on `HOST:port` accepting at most `HTTP_MAX_CONNECTIONS` connections at a time.
private func listener(_ settings: HTTPSettings, port: Int, logger: Logger) -> ApplicationConfiguration {
    .init(
        address: .hostname(settings.host, port: port), serverName: "insignia",
        availableConnectionsDelegate: MaximumAvailableConnections(settings.maxConnections, logger: logger)
    )
}

/// Build commit, from `INSIGNIA_COMMIT` when the packager sets it.
enum ProcessInfoCommit {
    static let value = ProcessInfo.processInfo.environment["INSIGNIA_COMMIT"] ?? "unknown"
}
