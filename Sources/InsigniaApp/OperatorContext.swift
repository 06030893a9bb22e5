import BadgeCore
import CAKeys
import Foundation
import InsigniaHTTP
import Logging
import Registry
import Storage

/// What an operator command (`insignia keys …`, `ca …`, `orgs …`, `badges …`, `dev …`) works
/// with: the configured store and the use cases over it, built like the server's.
public struct OperatorContext: Sendable {
    public let config: AppConfig
    public let store: SQLStore
    public let services: AppServices

    /// How a command treats the database schema.
    public enum SchemaUse: Sendable {
        /// Apply pending migrations first (commands that write).
        case migrate
        /// Change nothing: refuse, in one line, a database whose schema is not current (read-only commands).
        case requireCurrent
    }

    /// How a command treats the CA's private keys.
    public enum CAKeyUse: Sendable {
        /// Never read or create a key file: signing is unavailable (listing keys, revoking badges).
        case none
        /// Load the primary key (generating it on first start, as the server does) and agree with
        /// the database on the active key.
        case signing
    }

    /// Opens the configured database, builds the use cases and runs `body`.
    public static func with(
        _ config: AppConfig, schema: SchemaUse, caKeys: CAKeyUse = .none, _ body: @Sendable (OperatorContext) async throws -> Void
    ) async throws {
        try await OpenedDatabase.withRunning(config.database, logger: Logger(label: "insignia")) { opened in
            let clock = SystemClock()
            switch schema {
            case .migrate:
                try await Migrator.migrate(opened.database, clock: { clock.now() })
            case .requireCurrent:
                let pending = try await Migrator.pendingVersions(opened.database)
                if !pending.isEmpty {
                    throw ConfigError(
                        "DATABASE_URL",
                        "database schema is missing migrations \(pending.map(String.init).joined(separator: ", ")); run `insignia migrate` (or start the server) first"
                    )
                }
            }
            let ca: CAService
            switch caKeys {
            case .none:
                ca = CAService(store: opened.store, keys: NoPrivateKeys(), clock: clock)
            case .signing:
                ca = try await CABootstrap.start(
                    store: opened.store, clock: clock, inlineJWK: config.caInlineJWK, keyPath: config.caKeyPath,
                    production: config.environment == .production
                ).service
            }
            let services = Composition.services(config: config, store: opened.store, ca: ca, clock: clock, outbound: .init())
            try await body(OperatorContext(config: config, store: opened.store, services: services))
        }
    }
}

/// The CA key port of a command that never signs: holds no private key.
struct NoPrivateKeys: CASigningKeys {
    func signer(kid: String) async throws -> (any JWSSigner)? { nil }
}

extension CAKeyError: OperatorFacingError {}
