import ServiceLifecycle

/// Runs `round` at once and then every `interval` until graceful shutdown: the loop of the
/// server's background services (event retention, log integration). `round` handles its own
/// failures, so one bad round never stops the loop.
func runPeriodically(every interval: Duration, _ round: @escaping @Sendable () async -> Void) async {
    await cancelWhenGracefulShutdown {
        while !Task.isCancelled {
            await round()
            try? await Task.sleep(for: interval)
        }
    }
}
