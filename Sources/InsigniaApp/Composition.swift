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

    /// Every use case, wired to `store`, `ca` and `clock` with the policies in `config`. `logKey`
    /// signs transparency log checkpoints, `snapshotKey` trust snapshots (nil: a fresh key, for tests).
    public static func services(
        config: AppConfig, store: any RegistryStore, ca: CAService, clock: any RegistryClock, outbound: OutboundPorts,
        logKey: PrivateJWK? = nil, snapshotKey: PrivateJWK? = nil
    ) -> AppServices {
        let issuer = IssuerIdentity(origin: config.issuerURL)
        let agents = AgentService(store: store, clock: clock, issuer: issuer)
        let limiter = RateLimiter(store: store, clock: clock)
        let badges = BadgeService(
            store: store, clock: clock, agents: agents, ca: ca, policy: config.badgePolicy, remoteDIDResolver: outbound.remoteDIDResolver
        )
        let apiKeys = APIKeyService(store: store, clock: clock)
        let identities = IdentityService(store: store, clock: clock)
        // One verifier (and so one JWKS cache) for the API and the console.
        let sessionTokens = config.sessionTokens.map { SessionTokenVerifier(settings: $0, fetcher: outbound.jwksFetcher, clock: clock) }
        let tlog = transparencyLog(config: config, store: store, clock: clock, key: logKey)
        return AppServices(
            agents: agents, badges: badges,
            pop: PoPService(store: store, clock: clock, agents: agents, badges: badges, policy: config.popPolicy),
            apiKeys: apiKeys,
            consoleSessions: ConsoleSessionService(store: store, apiKeys: apiKeys, identities: identities, sessionTokens: sessionTokens, clock: clock),
            identities: identities,
            mint: MintService(store: store, clock: clock, ca: ca, badges: badges, issuer: issuer, policy: config.dvPolicy),
            dv: DVService(store: store, clock: clock, ca: ca, issuer: issuer, policy: config.dvPolicy, validator: outbound.domainValidator),
            ca: ca, organizations: OrganizationService(store: store, clock: clock), auditLog: AuditLogService(store: store),
            events: EventService(store: store, agents: agents, limiter: limiter, clock: clock, policy: config.eventPolicy),
            policies: PolicyService(store: store, clock: clock, settings: config.policySettings, issuer: issuer, ca: ca), limiter: limiter,
            sessionTokens: sessionTokens,
            clerkWebhook: config.clerkWebhook, clock: clock,
            readiness: [
                ("database", { try await store.ping() }),
                ("ca_key", { _ = try await ca.activeSigner() }),
            ],
            tlog: tlog,
            trustSnapshots: trustSnapshots(config: config, store: store, clock: clock, key: snapshotKey, log: tlog),
            // The console's rotation (keys:admin, kid typed to confirm) does what `insignia ca rotate` does.
            rotateCAKey: { [keyPath = config.caKeyPath] actor in try await CABootstrap.rotate(service: ca, keyPath: keyPath, actor: actor) }
        )
    }

    /// The transparency log under `LOG_ORIGIN`, signing with `key`; nil when `LOG_ENABLED=false`.
    public static func transparencyLog(config: AppConfig, store: any RegistryStore, clock: any RegistryClock, key: PrivateJWK?) -> TransparencyLogService? {
        guard config.log.enabled else { return nil }
        // LOG_ORIGIN is checked to be a valid key name when read; the default always is one.
        guard let signer = NoteSigner(name: config.log.logOrigin(issuerURL: config.issuerURL), key: key ?? PrivateJWK.generate(kid: "log")) else {
            preconditionFailure("LOG_ORIGIN is validated by AppConfig")
        }
        return TransparencyLogService(store: store, signer: signer, clock: clock)
    }

    /// The trust snapshot publisher under `CA_ISSUER_URL`, signing with `key`, carrying `log`'s
    /// latest checkpoint when the log is on.
    public static func trustSnapshots(
        config: AppConfig, store: any RegistryStore, clock: any RegistryClock, key: PrivateJWK?, log: TransparencyLogService?
    ) -> TrustSnapshotPublisher {
        let key = key ?? PrivateJWK.generate(kid: SnapshotPoller.snapshotKIDPrefix + "ephemeral")
        let publisher = TrustSnapshotPublisher(
            reader: TrustStateReader(store: store), signer: Ed25519Signer(key: key),
            settings: .init(issuer: config.issuerURL, ttl: config.snapshot.ttl, refreshHint: config.snapshot.refreshHint), clock: clock,
            checkpoint: { try await log?.checkpoint()?.note }
        )
        publisher.publish(publicKey: key.publicKey)
        return publisher
    }

    /// The HTTP application's dependencies: every use case plus the listener settings.
    public static func dependencies(
        config: AppConfig, store: any RegistryStore, ca: CAService, clock: any RegistryClock, outbound: OutboundPorts,
        metrics: InsigniaMetrics, logKey: PrivateJWK? = nil, snapshotKey: PrivateJWK? = nil
    ) -> AppDependencies {
        AppDependencies(
            services: services(config: config, store: store, ca: ca, clock: clock, outbound: outbound, logKey: logKey, snapshotKey: snapshotKey),
            settings: config.http, metrics: metrics
        )
    }
}
