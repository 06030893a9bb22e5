import BadgeCore
import CAKeys
import Foundation
import Logging
import Registry
import ServiceLifecycle

/// Extends the transparency log's tree and signs a checkpoint every `LOG_CHECKPOINT_INTERVAL`
/// when entries are waiting, until the server shuts down. Every replica runs it; the store's
/// integration lock lets one at a time extend the tree.
public struct LogIntegrator: Service {
    let log: TransparencyLogService
    let logger: Logger
    let interval: Duration

    public init(log: TransparencyLogService, logger: Logger, interval: Duration) {
        self.log = log
        self.logger = logger
        self.interval = interval
    }

    public func run() async throws {
        await runPeriodically(every: interval) { await integrateOnce() }
    }

    /// One round; a failure (e.g. a tree that would not extend the signed one) is logged and
    /// nothing is signed, and the next round tries again.
    func integrateOnce() async {
        do {
            if let size = try await log.integrate() { logger.debug("log checkpoint signed", metadata: ["size": .stringConvertible(size)]) }
        } catch {
            logger.error("log integration failed; no checkpoint signed", metadata: ["error": .string(String(describing: error))])
        }
    }

    /// Loads (or creates, 0600) the log key from `LOG_PRIVATE_KEY_JWK` or `LOG_KEY_PATH` and checks
    /// it signed the latest stored checkpoint: the log key is never replaced silently.
    public static func loadKey(config: AppConfig, store: any TransparencyLogStore, now: Int64) async throws -> PrivateJWK {
        let path = config.log.keyFile(caKeyPath: config.caKeyPath)
        let latest = try await store.latestLogCheckpoint()
        // A log that has signed must keep its key: never generate a new one in place of a lost file.
        if latest != nil, config.log.inlineJWK?.contains(where: { !$0.isWhitespace }) != true, !FileManager.default.fileExists(atPath: path) {
            throw CAKeyError(
                "the transparency log key \(path) (LOG_KEY_PATH) is missing but the log has signed checkpoints; restore it "
                    + "(or set LOG_PRIVATE_KEY_JWK): the log key is never replaced silently"
            )
        }
        let key = try CAKeyFiles.loadPrimary(
            inlineJWK: config.log.inlineJWK, path: path, allowEphemeral: false, now: now,
            inlineName: "LOG_PRIVATE_KEY_JWK", pathName: "LOG_KEY_PATH"
        ).key
        let origin = config.log.logOrigin(issuerURL: config.issuerURL)
        if let latest, let verifier = NoteSigner(name: origin, key: key)?.verifierKey,
           Checkpoint.open(latest.note, verifier: verifier) == nil {
            throw CAKeyError(
                "the latest transparency log checkpoint was not signed by the key in \(path) (LOG_KEY_PATH) under origin \(origin) "
                    + "(LOG_ORIGIN); restore the log key or origin: the log key is never replaced silently"
            )
        }
        return key
    }
}
