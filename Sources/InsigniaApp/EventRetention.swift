import Logging
import Registry
import ServiceLifecycle

/// Purges ingested events older than `EVENT_RETENTION_DAYS`: at start-up, then every `interval`
/// seconds, until the server shuts down. Every replica may run it; the delete is idempotent.
public struct EventRetention: Service {
    let events: EventService
    let logger: Logger
    let interval: Duration

    public init(events: EventService, logger: Logger, interval: Duration = .seconds(3600)) {
        self.events = events
        self.logger = logger
        self.interval = interval
    }

    public func run() async throws {
        await runPeriodically(every: interval) { await purgeOnce() }
    }

    /// One purge; a failure is logged and retried at the next interval.
    func purgeOnce() async {
        do {
            let purged = try await events.purgeExpired()
            if purged > 0 { logger.info("expired events purged", metadata: ["count": .stringConvertible(purged)]) }
        } catch {
            logger.warning("event purge failed", metadata: ["error": .string(String(describing: error))])
        }
    }
}
