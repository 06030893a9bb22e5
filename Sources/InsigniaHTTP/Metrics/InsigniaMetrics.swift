import Prometheus
import Registry
import Synchronization

/// The server's Prometheus metrics, served at `GET /metrics`.
///
/// An instance per application (no global metrics system), so tests can read their own figures.
/// Handles are made once per label set and kept (see `MetricHandles`): recording an event does not
/// go through the registry's lock and label formatting again.
public final class InsigniaMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    /// Latency histogram buckets shared by HTTP and database metrics.
    public static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5),
    ]

    /// The labels of one request's figures.
    struct RequestLabels: Hashable, Sendable {
        let route: String
        let method: String
        let status: Int
    }

    /// The labels of one issued badge.
    struct BadgeLabels: Hashable, Sendable {
        let level: String
        let ial: String
    }

    /// The handles one request records into.
    struct RequestHandles: Sendable {
        let count: Counter
        let latency: DurationHistogram
    }

    private let requests: MetricHandles<RequestLabels, RequestHandles>
    private let badgesIssued: MetricHandles<BadgeLabels, Counter>
    private let verifications: MetricHandles<String, Counter>
    private let revocations: Counter
    private let challenges: MetricHandles<String, Counter>
    private let rateLimits: MetricHandles<String, Counter>
    private let caKeyAgeGauge: Gauge
    private let logTreeSize: Gauge
    private let logIntegrationLag: Gauge
    private let logCheckpointAge: Gauge
    private let snapshotSequence: Gauge
    private let snapshotBytes: Gauge
    private let snapshotRebuilds: Counter
    /// Rebuilds already added to `snapshotRebuilds` (the publisher counts; scrapes add the rest).
    private let snapshotRebuildsSeen = Mutex(0)

    public init() {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        requests = MetricHandles { labels in
            RequestHandles(
                count: registry.makeCounter(
                    name: "insignia_http_requests_total",
                    labels: [("route", labels.route), ("method", labels.method), ("status", String(labels.status))],
                    help: "HTTP requests by route pattern, method and status."
                ),
                latency: registry.makeDurationHistogram(
                    name: "insignia_http_request_duration_seconds", labels: [("route", labels.route), ("method", labels.method)],
                    buckets: Self.latencyBuckets, help: "HTTP request latency by route pattern."
                )
            )
        }
        badgesIssued = MetricHandles { labels in
            registry.makeCounter(name: "insignia_badges_issued_total", labels: [("level", labels.level), ("ial", labels.ial)], help: "Badges issued.")
        }
        verifications = MetricHandles { result in
            registry.makeCounter(name: "insignia_badge_verifications_total", labels: [("result", result)], help: "Badge verifications by result code.")
        }
        revocations = registry.makeCounter(name: "insignia_badge_revocations_total", help: "Badge revocation requests that succeeded.")
        challenges = MetricHandles { outcome in
            registry.makeCounter(
                name: "insignia_pop_challenge_outcomes_total", labels: [("outcome", outcome)],
                help: "Proof-of-possession challenges created, redeemed, or failed by error code."
            )
        }
        rateLimits = MetricHandles { code in
            registry.makeCounter(name: "insignia_rate_limited_total", labels: [("code", code)], help: "Requests refused by a rate limit.")
        }
        caKeyAgeGauge = registry.makeGauge(name: "insignia_ca_active_key_age_seconds", help: "Age of the active CA signing key.")
        logTreeSize = registry.makeGauge(name: "insignia_tlog_tree_size", help: "Entries in the latest signed transparency log checkpoint.")
        logIntegrationLag = registry.makeGauge(
            name: "insignia_tlog_integration_lag_entries", help: "Transparency log entries sequenced but not yet in a signed checkpoint."
        )
        logCheckpointAge = registry.makeGauge(name: "insignia_tlog_checkpoint_age_seconds", help: "Age of the latest signed transparency log checkpoint.")
        snapshotSequence = registry.makeGauge(name: "insignia_trust_snapshot_sequence", help: "Trust-state sequence of the published trust snapshot.")
        snapshotBytes = registry.makeGauge(name: "insignia_trust_snapshot_bytes", help: "Size of the published full trust snapshot (compact JWS).")
        snapshotRebuilds = registry.makeCounter(
            name: "insignia_trust_snapshot_rebuilds_total", help: "Trust snapshots built for a new trust-state sequence (re-signing not counted)."
        )
    }

    /// One finished HTTP request. `route` is the matched route pattern, never the raw path (bounded cardinality).
    func request(route: String, method: String, status: Int, duration: Duration) {
        let handles = requests[RequestLabels(route: route, method: method, status: status)]
        handles.count.increment()
        handles.latency.record(duration)
    }

    func badgeIssued(level: String, ial: String) {
        badgesIssued[BadgeLabels(level: level, ial: ial)].increment()
    }

    func verification(result: String) {
        verifications[result].increment()
    }

    func revocation() {
        revocations.increment()
    }

    func challenge(outcome: String) {
        challenges[outcome].increment()
    }

    func rateLimited(code: String) {
        rateLimits[code].increment()
    }

    func caKeyAge(seconds: Int64) {
        caKeyAgeGauge.set(Double(seconds))
    }

    /// The published trust snapshot at scrape time.
    func trustSnapshot(_ figures: TrustSnapshotPublisher.Figures) {
        snapshotSequence.set(Double(figures.sequence))
        snapshotBytes.set(Double(figures.bytes))
        let added = snapshotRebuildsSeen.withLock { seen in
            defer { seen = max(seen, figures.rebuilds) }
            return max(0, figures.rebuilds - seen)
        }
        if added > 0 { snapshotRebuilds.increment(by: Int64(added)) }
    }

    /// The transparency log's state at scrape time.
    func transparencyLog(treeSize: Int64, sequenced: Int64, checkpointAge: Int64?) {
        logTreeSize.set(Double(treeSize))
        logIntegrationLag.set(Double(max(0, sequenced - treeSize)))
        if let checkpointAge { logCheckpointAge.set(Double(checkpointAge)) }
    }
}
