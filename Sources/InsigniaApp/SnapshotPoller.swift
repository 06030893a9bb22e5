import BadgeCore
import CAKeys
import Logging
import Registry
import ServiceLifecycle

/// Polls the trust-state sequence about every second and rebuilds (or re-signs) the published
/// trust snapshot, until the server shuts down: so a change made on any replica shows in every
/// replica's snapshot within about a second, without a request waiting for the rebuild.
public struct SnapshotPoller: Service {
    let publisher: TrustSnapshotPublisher
    let logger: Logger
    let interval: Duration

    public init(publisher: TrustSnapshotPublisher, logger: Logger, interval: Duration = .seconds(1)) {
        self.publisher = publisher
        self.logger = logger
        self.interval = interval
    }

    public func run() async throws {
        await runPeriodically(every: interval) { await pollOnce() }
    }

    /// One poll; a failure is logged and the snapshot served stays the last one built (it expires
    /// on its own, so a server that cannot read its database stops vouching for the state).
    func pollOnce() async {
        do {
            try await publisher.refresh()
        } catch {
            logger.error("trust snapshot refresh failed", metadata: ["error": .string(String(describing: error))])
        }
    }

    /// Loads (or creates, 0600) the snapshot key at `SNAPSHOT_KEY_PATH` as the log key is loaded.
    /// Its kid never looks like a CA key's, so no verifier picking badge keys by kid can take it;
    /// a file holding one of the CA's keys is refused, so one key never vouches for both.
    public static func loadKey(config: AppConfig, caKeys: [CAKeyRecord], now: Int64) throws -> PrivateJWK {
        let path = config.snapshot.keyFile(caKeyPath: config.caKeyPath)
        let key = try CAKeyFiles.loadPrimary(
            inlineJWK: nil, path: path, allowEphemeral: false, now: now,
            inlineName: "SNAPSHOT_KEY_PATH", pathName: "SNAPSHOT_KEY_PATH", generatedKIDPrefix: snapshotKIDPrefix
        ).key
        if let shared = caKeys.first(where: { PublicJWK.fromCompactJSON($0.publicJWK) == key.publicKey }) {
            throw CAKeyError("SNAPSHOT_KEY_PATH \(path): holds CA key \(shared.kid); the trust snapshot needs a key of its own")
        }
        return key
    }

    /// Prefix of generated snapshot key ids.
    public static let snapshotKIDPrefix = "insignia-snapshot-"
}
