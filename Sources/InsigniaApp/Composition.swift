import BadgeCore
import InsigniaHTTP
import Registry

/// The composition root: the one place that turns configuration and opened infrastructure (store,
/// CA keys, outbound clients) into use cases and the HTTP application's dependencies.
public enum Composition {
    /// The ports that reach other hosts. `insignia serve` uses the SSRF-hardened `Outbound`
    /// clients; tests put local stand-ins in.
    public struct OutboundPorts: Sendable {
        /// Resolves `did:web` documents on other hosts (nil: not resolvable).
        public var remoteDIDResolver: (any DIDResolving)?
        /// Fetches the Clerk JWKS (nil: JWKS mode cannot fetch keys).
        public var jwksFetcher: (any JWKSFetching)?
        /// Performs HTTP-01 and DNS-01 checks (nil: orders cannot be finalized).
        public var domainValidator: (any DomainValidating)?

        public init(
            remoteDIDResolver: (any DIDResolving)? = nil, jwksFetcher: (any JWKSFetching)? = nil,
            domainValidator: (any DomainValidating)? = nil
        ) {
            self.remoteDIDResolver = remoteDIDResolver
            self.jwksFetcher = jwksFetcher
            self.domainValidator = domainValidator
        }
    }

    /// Every use case, wired to `store`, `ca` and `clock` with the policies in `config`.
    public static func services(
        config: AppConfig, store: any RegistryStore, ca: CAService, clock: any RegistryClock, outbound: OutboundPorts
    ) -> AppServices {
        let issuer = IssuerIdentity(origin: config.issuerURL)
        let agents = AgentService(store: store, clock: clock, issuer: issuer)
        let limiter = RateLimiter(store: store, clock: clock)
        let badges = BadgeService(
            store: store, clock: clock, agents: agents, ca: ca, policy: config.badgePolicy, remoteDIDResolver: outbound.remoteDIDResolver
        )
        return AppServices(
            agents: agents, badges: badges,
            pop: PoPService(store: store, clock: clock, agents: agents, badges: badges, policy: config.popPolicy),
            apiKeys: APIKeyService(store: store, clock: clock),
            identities: IdentityService(store: store, clock: clock),
            mint: MintService(store: store, clock: clock, ca: ca, badges: badges, issuer: issuer, policy: config.dvPolicy),
            dv: DVService(store: store, clock: clock, ca: ca, issuer: issuer, policy: config.dvPolicy, validator: outbound.domainValidator),
            ca: ca, organizations: OrganizationService(store: store, clock: clock), auditLog: AuditLogService(store: store),
            events: EventService(store: store, agents: agents, limiter: limiter, clock: clock, policy: config.eventPolicy),
            policies: PolicyService(store: store, clock: clock, settings: config.policySettings, issuer: issuer, ca: ca), limiter: limiter,
            sessionTokens: config.sessionTokens.map { SessionTokenVerifier(settings: $0, fetcher: outbound.jwksFetcher, clock: clock) },
            clerkWebhook: config.clerkWebhook, clock: clock,
            readiness: [
                ("database", { try await store.ping() }),
                ("ca_key", { _ = try await ca.activeSigner() }),
            ]
        )
    }

    /// The HTTP application's dependencies: every use case plus the listener settings.
    public static func dependencies(
        config: AppConfig, store: any RegistryStore, ca: CAService, clock: any RegistryClock, outbound: OutboundPorts,
        metrics: InsigniaMetrics
    ) -> AppDependencies {
        AppDependencies(
            services: services(config: config, store: store, ca: ca, clock: clock, outbound: outbound), settings: config.http,
            metrics: metrics
        )
    }
}
