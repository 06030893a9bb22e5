import BadgeCore
import Foundation
import Hummingbird
import Logging
import Registry
import ServiceLifecycle

/// Everything the HTTP layer needs, assembled by the composition root.
public struct AppDependencies: Sendable {
    public let config: AppConfig
    public let store: any RegistryStore
    public let clock: any RegistryClock
    /// The CA's keys, already bootstrapped.
    public let ca: CAService
    /// Resolver for `did:web` documents on other hosts (nil: not resolvable).
    public let remoteDIDResolver: (any DIDResolving)?
    /// Counters and histograms behind `GET /metrics`.
    public let metrics: InsigniaMetrics
    /// Fetches the Clerk JWKS (`CLERK_JWKS_URL`); nil: JWKS mode cannot fetch keys.
    public let jwksFetcher: (any JWKSFetching)?
    /// Performs HTTP-01 and DNS-01 checks (nil: orders cannot be finalized).
    public let domainValidator: (any DomainValidating)?

    public init(
        config: AppConfig, store: any RegistryStore, ca: CAService, clock: any RegistryClock = SystemClock(),
        remoteDIDResolver: (any DIDResolving)? = nil, metrics: InsigniaMetrics = InsigniaMetrics(),
        jwksFetcher: (any JWKSFetching)? = nil, domainValidator: (any DomainValidating)? = nil
    ) {
        self.jwksFetcher = jwksFetcher
        self.domainValidator = domainValidator
        self.config = config
        self.store = store
        self.ca = ca
        self.clock = clock
        self.remoteDIDResolver = remoteDIDResolver
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
    let router = makeRouter(deps)

    let store = deps.store
    let ca = deps.ca
    HealthController(
        readinessChecks: [
            ("database", { try await store.ping() }),
            ("ca_key", { _ = try await ca.activeSigner() }),
        ],
        version: InsigniaVersion.version,
        commit: ProcessInfoCommit.value
    ).register(on: router)
    DocsController().register(on: router)
    if deps.config.metricsPort == nil { MetricsController(deps).register(on: router) }

    let limit = deps.config.maxBodyBytes
    let agents = AgentService(store: deps.store, clock: deps.clock, issuer: IssuerIdentity(origin: deps.config.issuerURL))
    let badges = BadgeService(
        store: deps.store, clock: deps.clock, agents: agents, ca: deps.ca, policy: deps.config.badgePolicy,
        remoteDIDResolver: deps.remoteDIDResolver
    )
    let pop = PoPService(store: deps.store, clock: deps.clock, agents: agents, badges: badges, policy: deps.config.popPolicy)
    let apiKeys = APIKeyService(store: deps.store, clock: deps.clock)
    let identities = IdentityService(store: deps.store, clock: deps.clock)
    var authenticator = Authenticator(
        apiKeys: apiKeys, limiter: RateLimiter(store: deps.store, clock: deps.clock), rateLimit: deps.config.apiRateLimit
    )
    if let settings = deps.config.sessionTokens {
        authenticator.sessions = SessionAuthentication(
            verifier: SessionTokenVerifier(settings: settings, fetcher: deps.jwksFetcher, clock: deps.clock), identities: identities
        )
    }
    ClerkWebhookController(verifier: deps.config.clerkWebhook, identities: identities, clock: deps.clock, bodyLimit: limit).register(on: router)
    let mint = MintService(
        store: deps.store, clock: deps.clock, ca: deps.ca, badges: badges, issuer: agents.issuer, policy: deps.config.dvPolicy
    )
    PublicController(badges: badges, agents: agents, mint: mint, ca: deps.ca, metrics: deps.metrics, bodyLimit: limit).register(on: router)
    // Issuance authenticates inside: IAL-0 needs an API key, IAL-1 is authenticated by its proof.
    let badgeController = BadgeController(badges: badges, pop: pop, authenticator: authenticator, metrics: deps.metrics, bodyLimit: limit)
    badgeController.registerIssuance(on: router)
    let dv = DVService(
        store: deps.store, clock: deps.clock, ca: deps.ca, issuer: agents.issuer, policy: deps.config.dvPolicy,
        validator: deps.domainValidator
    )
    let dvController = DVController(dv: dv, authenticator: authenticator, bodyLimit: limit)
    dvController.register(on: router)
    dvController.registerGrants(on: router)
    MintController(mint: mint, bodyLimit: limit).register(on: router)

    let authenticated = router.group().add(middleware: AuthMiddleware(authenticator: authenticator))
    APIKeyController(apiKeys: apiKeys, bodyLimit: limit).register(on: authenticated)
    AgentController(agents: agents, bodyLimit: limit).register(on: authenticated)
    OrganizationController(identities: identities).register(on: authenticated)
    badgeController.register(on: authenticated)
    EventsController(store: deps.store, agents: agents).register(on: authenticated)
    return router
}

/// Builds the router of the `METRICS_PORT` listener: `GET /metrics` alone.
public func buildMetricsRouter(_ deps: AppDependencies) -> Router<AppRequestContext> {
    let router = makeRouter(deps)
    MetricsController(deps).register(on: router)
    return router
}

/// An empty router with the middleware every listener shares: request log and metrics, then error
/// mapping, then the refusal of NUL characters in the path or query.
private func makeRouter(_ deps: AppDependencies) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: RequestLogMiddleware(metrics: deps.metrics))
    router.add(middleware: ErrorMiddleware(metrics: deps.metrics))
    router.add(middleware: NULRefusalMiddleware())
    return router
}

/// Builds the application on `HOST:PORT` with `services` (e.g. the PostgreSQL pool) alongside, and,
/// when `METRICS_PORT` is set, the metrics listener on `HOST:METRICS_PORT` as one more service, so
/// the signal that stops the server stops it too.
public func buildApplication(_ deps: AppDependencies, services: [any Service] = [], logger: Logger) -> some ApplicationProtocol {
    var services = services
    if let metricsPort = deps.config.metricsPort {
        services.append(Application(
            router: buildMetricsRouter(deps),
            configuration: .init(address: .hostname(deps.config.host, port: metricsPort), serverName: "insignia"),
            logger: logger
        ))
    }
    return Application(
        router: buildRouter(deps),
        configuration: .init(address: .hostname(deps.config.host, port: deps.config.port), serverName: "insignia"),
        services: services,
        logger: logger
    )
}

/// Build commit, from `INSIGNIA_COMMIT` when the packager sets it.
enum ProcessInfoCommit {
    static let value = ProcessInfo.processInfo.environment["INSIGNIA_COMMIT"] ?? "unknown"
}
