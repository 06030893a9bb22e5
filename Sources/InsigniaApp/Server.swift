import CAKeys
import Foundation
import Hummingbird
import InsigniaHTTP
import Logging
import Outbound
import Registry
import ServiceLifecycle
import Storage

/// `insignia serve`: opens the database, migrates it, loads the CA key, wires the use cases to the
/// SSRF-hardened outbound clients and runs the HTTP application until SIGTERM/SIGINT.
public enum Server {
    public static func run(_ config: AppConfig) async throws {
        let logger = Logger(label: "insignia")
        if case .failure(let missing) = OpenAPIDocument.loaded { throw missing }
        if case .failure(let missing) = StaticAssets.loaded { throw missing }
        try await OpenedDatabase.withRunning(config.database, postgresPoolSize: config.databasePoolSize, logger: logger) { opened in
            let metrics = InsigniaMetrics()
            let opened = metrics.instrument(opened)
            let clock = SystemClock()
            let applied = try await Migrator.migrate(opened.database, clock: { clock.now() })
            logger.info("database ready", metadata: [
                "backend": .string(config.database.backendName), "migrations_applied": .string(applied.map(String.init).joined(separator: ",")),
                "pool_size": .stringConvertible(opened.poolSize),
            ])
            let (ca, _, report) = try await CABootstrap.start(
                store: opened.store, clock: clock, inlineJWK: config.caInlineJWK, keyPath: config.caKeyPath,
                production: config.environment == .production, logsCredentials: config.log.enabled
            )
            let logKey = config.log.enabled ? try await LogIntegrator.loadKey(config: config, store: opened.store, now: clock.now()) : nil
            let snapshotKey = try SnapshotPoller.loadKey(config: config, caKeys: try await opened.store.caKeys(), now: clock.now())
            // A database that predates the trust-state journal gets its current state journaled once.
            if let baseline = try await TrustStateReader(store: opened.store).recordBaseline(at: clock.now()) {
                logger.info("trust-state journal started", metadata: ["sequence": .stringConvertible(baseline.sequence)])
            }
            logger.info("CA key ready", metadata: [
                "primary_kid": .string(report.primaryKID), "source": .string(report.source.rawValue), "active_kid": .string(report.activeKID),
            ])
            if report.source == .ephemeral {
                logger.warning("CA key could not be saved to CA_KEY_PATH; using an ephemeral key: badges stop verifying after a restart")
            }
            for problem in report.problems { logger.warning("CA key directory", metadata: ["problem": .string(problem)]) }
            warnAboutDevelopmentSettings(config, logger: logger)
            let outbound = Composition.OutboundPorts(
                remoteDIDResolver: DIDWebResolver(allowLoopback: config.allowLoopbackFetch),
                jwksFetcher: JWKSFetcher(allowLoopback: config.allowLoopbackFetch),
                domainValidator: try domainValidator(config, logger: logger)
            )
            let deps = Composition.dependencies(
                config: config, store: opened.store, ca: ca, clock: clock, outbound: outbound, metrics: metrics, logKey: logKey,
                snapshotKey: snapshotKey
            )
            logger.info("trust snapshot key ready", metadata: ["kid": .string(snapshotKey.kid ?? "-")])
            var background: [any Service] = [
                EventRetention(events: deps.services.events, logger: logger), SnapshotPoller(publisher: deps.services.trustSnapshots, logger: logger),
            ]
            if let log = deps.services.tlog {
                logger.info("transparency log", metadata: ["vkey": .string(log.verifierKey.description)])
                background.append(LogIntegrator(log: log, logger: logger, interval: .milliseconds(Int64(config.log.checkpointInterval * 1000))))
            }
            let app = buildApplication(deps, services: background, logger: logger)
            logger.info("listening", metadata: [
                "host": .string(config.host), "port": .stringConvertible(config.port),
                "metrics_port": .stringConvertible(config.metricsPort ?? config.port), "issuer": .string(config.issuerURL),
            ])
            try await app.runService()
        }
    }

    private static func warnAboutDevelopmentSettings(_ config: AppConfig, logger: Logger) {
        if config.issuerURL.hasPrefix("http://") {
            logger.warning("CA_ISSUER_URL is not https: Go verifiers reject such badges online (set an https origin for real use)")
        }
        if config.allowLoopbackFetch {
            logger.warning("INSIGNIA_DEV_ALLOW_LOOPBACK is on: did:web documents may be fetched from loopback over plain http (development only)")
        }
        if let sessions = config.sessionTokens {
            let mode = switch sessions.keySource {
            case .jwks(_, .some): "clerk backend api"
            case .jwks: "jwks"
            case .key: "static key"
            }
            logger.info("Clerk session tokens accepted", metadata: ["keys": .string(mode), "issuer_checked": .stringConvertible(sessions.issuer != nil)])
        }
        if config.clerkWebhook != nil { logger.info("Clerk webhook enabled", metadata: ["path": "/v1/webhooks/clerk"]) }
    }

    /// HTTP-01 through the SSRF-hardened fetcher; DNS-01 through `DNS_RESOLVER` or the system's
    /// first nameserver (without one, DNS-01 orders fail with a clear message).
    static func domainValidator(_ config: AppConfig, logger: Logger) throws -> DomainValidator {
        var dns: DNSClient?
        if let text = config.dnsResolver {
            guard let (address, port) = DNSClient.parseResolver(text) else {
                throw ConfigError("DNS_RESOLVER", "must be an IP address with an optional port, e.g. 1.1.1.1:53 (got '\(text)')")
            }
            dns = DNSClient(resolver: address, port: port)
        } else if let conf = try? String(contentsOfFile: "/etc/resolv.conf", encoding: .utf8), let address = DNSClient.systemResolver(resolvConf: conf) {
            dns = DNSClient(resolver: address)
        } else {
            logger.warning("no DNS resolver found (set DNS_RESOLVER): dns-01 challenges cannot be checked")
        }
        return DomainValidator(
            dns: dns, acceptBareToken: config.dvPolicy.acceptBareToken, allowLoopback: config.allowLoopbackFetch,
            developmentHTTPPort: config.devDVHTTPPort
        )
    }

    /// Applies pending migrations; returns the versions applied.
    public static func migrate(_ config: AppConfig) async throws -> [Int] {
        try await OpenedDatabase.withRunning(config.database, logger: Logger(label: "insignia")) { opened in
            try await Migrator.migrate(opened.database, clock: { SystemClock().now() })
        }
    }
}

extension DatabaseLocation {
    /// "sqlite" or "postgres", for logs (never the URL, which may hold a password).
    var backendName: String {
        switch self {
        case .sqlite: "sqlite"
        case .postgres: "postgres"
        }
    }
}
