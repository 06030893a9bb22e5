import Prometheus

/// The server's Prometheus metrics, served at `GET /metrics`.
///
/// An instance per application (no global metrics system), so tests can read their own figures.
public final class InsigniaMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5),
    ]

    public init() {}

    /// One finished HTTP request. `route` is the matched route pattern, never the raw path (bounded cardinality).
    func request(route: String, method: String, status: Int, duration: Duration) {
        registry.makeCounter(
            name: "insignia_http_requests_total", labels: [("route", route), ("method", method), ("status", String(status))],
            help: "HTTP requests by route pattern, method and status."
        ).increment()
        registry.makeDurationHistogram(
            name: "insignia_http_request_duration_seconds", labels: [("route", route), ("method", method)],
            buckets: Self.latencyBuckets, help: "HTTP request latency by route pattern."
        ).recordNanoseconds(Int64(duration.components.seconds) * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    func badgeIssued(level: String, ial: String) {
        registry.makeCounter(name: "insignia_badges_issued_total", labels: [("level", level), ("ial", ial)], help: "Badges issued.").increment()
    }

    func verification(result: String) {
        registry.makeCounter(
            name: "insignia_badge_verifications_total", labels: [("result", result)], help: "Badge verifications by result code."
        ).increment()
    }

    func revocation() {
        registry.makeCounter(name: "insignia_badge_revocations_total", help: "Badge revocation requests that succeeded.").increment()
    }

    func challenge(outcome: String) {
        registry.makeCounter(
            name: "insignia_pop_challenge_outcomes_total", labels: [("outcome", outcome)],
            help: "Proof-of-possession challenges created, redeemed, or failed by error code."
        ).increment()
    }

    func rateLimited(code: String) {
        registry.makeCounter(name: "insignia_rate_limited_total", labels: [("code", code)], help: "Requests refused by a rate limit.").increment()
    }

    func caKeyAge(seconds: Int64) {
        registry.makeGauge(name: "insignia_ca_active_key_age_seconds", help: "Age of the active CA signing key.").set(Double(seconds))
    }
}
