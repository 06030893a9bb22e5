import Hummingbird
import NIOCore
import Registry

/// `GET /metrics`: Prometheus text exposition. Counts only, no identifiers beyond route patterns;
/// put it behind the proxy's internal listener in production, or on its own port (`METRICS_PORT`).
struct MetricsController {
    let metrics: InsigniaMetrics
    let ca: CAService
    let log: TransparencyLogService?
    let snapshots: TrustSnapshotPublisher
    let clock: any RegistryClock

    init(_ deps: AppDependencies) {
        metrics = deps.metrics
        ca = deps.services.ca
        log = deps.services.tlog
        snapshots = deps.services.trustSnapshots
        clock = deps.services.clock
    }

    func register(on router: Router<AppRequestContext>) {
        router.get("/metrics") { _, _ in
            // Gauges that are cheaper to compute at scrape time than to keep current.
            if let active = try await ca.listKeys().first(where: { $0.record.state == .active })?.record {
                metrics.caKeyAge(seconds: clock.now() - (active.activatedAt ?? active.createdAt))
            }
            if let status = try await log?.status() {
                metrics.transparencyLog(
                    treeSize: status.treeSize, sequenced: status.sequenced, checkpointAge: status.signedAt.map { clock.now() - $0 }
                )
            }
            if let figures = snapshots.figures { metrics.trustSnapshot(figures) }
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.registry.emitToBuffer()))
            )
        }
    }
}
