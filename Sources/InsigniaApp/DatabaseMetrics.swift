import Prometheus
import InsigniaHTTP
import Storage

/// Database pool figures for one backend, fed by `InstrumentedSQLDatabase`.
///
/// Every handle is made once here: reporting a statement touches only atomics and a histogram lock.
final class DatabaseMetrics: SQLDatabaseObserver {
    /// The handles of one operation kind.
    private struct Handles {
        let inFlight: Gauge
        let duration: DurationHistogram
        let errors: Counter
    }

    private let query: Handles
    private let transaction: Handles

    init(registry: PrometheusCollectorRegistry, backend: String, poolSize: Int) {
        let backendLabel = [("backend", backend)]
        registry.makeGauge(
            name: "insignia_db_pool_size", labels: backendLabel,
            help: "Most connections the database holds open (SQLite: writer plus readers; PostgreSQL: DATABASE_POOL_SIZE)."
        ).set(Double(poolSize))
        func make(_ kind: SQLOperationKind, inFlight: String, help: String) -> Handles {
            let labels = backendLabel + [("kind", kind.rawValue)]
            return Handles(
                inFlight: registry.makeGauge(name: inFlight, labels: backendLabel, help: help),
                duration: registry.makeDurationHistogram(
                    name: "insignia_db_statement_duration_seconds", labels: labels, buckets: InsigniaMetrics.latencyBuckets,
                    help: "Statement and transaction latency, including any wait for a connection; _count is the number run."
                ),
                errors: registry.makeCounter(name: "insignia_db_errors_total", labels: labels, help: "Statements and transactions that failed.")
            )
        }
        query = make(.query, inFlight: "insignia_db_statements_in_flight", help: "Statements waiting for or running on a connection.")
        transaction = make(.transaction, inFlight: "insignia_db_transactions_in_flight", help: "Transactions waiting to start or open.")
    }

    private func handles(_ kind: SQLOperationKind) -> Handles {
        switch kind {
        case .query: query
        case .transaction: transaction
        }
    }

    func started(_ kind: SQLOperationKind) {
        handles(kind).inFlight.increment()
    }

    func finished(_ kind: SQLOperationKind, after duration: Duration, failed: Bool) {
        let handles = handles(kind)
        handles.inFlight.decrement()
        handles.duration.record(duration)
        if failed { handles.errors.increment() }
    }
}
