import BadgeCore
import Foundation
import InsigniaApp
import InsigniaHTTP
import Logging
import Registry
import Storage
import StoreConformance
import Testing

@Suite struct MetricsTests {
    @Test func metricsCountRequestsBadgesAndVerifications() async throws {
        try await TestApp.run(.sqlite) { app in
            let tenant = try await app.tenant()
            let agentID = try await app.keyedAgent(tenant)
            for _ in 0..<3 { _ = try await app.request(.get, "/health") }
            let token = try #require(try await app.issue(tenant, agentID).data["token"]?.stringValue)
            _ = try await app.validate(token)
            _ = try await app.validate("garbage")
            let response = try await app.request(.get, "/metrics")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
            let text = response.text
            #expect(text.contains(#"insignia_http_requests_total{route="/health",method="GET",status="200"} 3"#))
            #expect(text.contains(#"insignia_badges_issued_total{level="1",ial="0"} 1"#))
            #expect(text.contains(#"insignia_badge_verifications_total{result="valid"} 1"#))
            #expect(text.contains(#"insignia_badge_verifications_total{result="BADGE_MALFORMED"} 1"#))
            #expect(text.contains("insignia_ca_active_key_age_seconds"))
            // Route patterns, not raw paths: the agent id must not appear.
            #expect(!text.contains(agentID))
        }
    }

    @Test(arguments: TestBackend.available)
    func metricsReportTheDatabasePool(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let agentID = try await app.keyedAgent(tenant)
            _ = try await app.issue(tenant, agentID)
            let text = try await app.request(.get, "/metrics").text
            let poolSize = backend == .sqlite ? 3 : 8  // SQLite: writer and 2 readers; the PostgreSQL tests' pool_max
            #expect(sample(text, #"insignia_db_pool_size{backend="\#(backend)"}"#) == Double(poolSize))
            #expect(sample(text, #"insignia_db_statements_in_flight{backend="\#(backend)"}"#) == 0)
            #expect(sample(text, #"insignia_db_transactions_in_flight{backend="\#(backend)"}"#) == 0)
            #expect(sample(text, #"insignia_db_statement_duration_seconds_count{backend="\#(backend)",kind="query"}"#) ?? 0 > 0)
            #expect(sample(text, #"insignia_db_statement_duration_seconds_count{backend="\#(backend)",kind="transaction"}"#) ?? 0 > 0)
            #expect(sample(text, #"insignia_db_errors_total{backend="\#(backend)",kind="query"}"#) == 0)
        }
    }

    /// The Prometheus side of the decorator: in-flight gauges while a transaction is open, errors, durations.
    @Test func databaseMetricsTrackTransactionsAndErrors() async throws {
        let metrics = InsigniaMetrics()
        let opened = metrics.instrument(try await OpenedDatabase.open(.sqlite(path: nil), logger: Logger(label: "t")))
        @Sendable func text() -> String { String(decoding: metrics.registry.emitToBuffer(), as: UTF8.self) }
        #expect(sample(text(), #"insignia_db_pool_size{backend="sqlite"}"#) == 1)
        try await opened.database.transaction { tx in
            try await tx.query("CREATE TABLE t (v INTEGER)")
            let during = text()
            #expect(sample(during, #"insignia_db_transactions_in_flight{backend="sqlite"}"#) == 1)
            #expect(sample(during, #"insignia_db_statement_duration_seconds_count{backend="sqlite",kind="transaction"}"#) == 0)
            try await Task.sleep(for: .milliseconds(20))
        }
        await #expect(throws: (any Error).self) { try await opened.database.query("SELECT * FROM missing") }
        let after = text()
        #expect(sample(after, #"insignia_db_transactions_in_flight{backend="sqlite"}"#) == 0)
        #expect(sample(after, #"insignia_db_statements_in_flight{backend="sqlite"}"#) == 0)
        #expect(sample(after, #"insignia_db_statement_duration_seconds_count{backend="sqlite",kind="transaction"}"#) == 1)
        #expect(sample(after, #"insignia_db_statement_duration_seconds_sum{backend="sqlite",kind="transaction"}"#) ?? 0 >= 0.02)
        #expect(sample(after, #"insignia_db_statement_duration_seconds_count{backend="sqlite",kind="query"}"#) == 2)
        #expect(sample(after, #"insignia_db_errors_total{backend="sqlite",kind="query"}"#) == 1)
        #expect(sample(after, #"insignia_db_errors_total{backend="sqlite",kind="transaction"}"#) == 0)
        await opened.database.close()
    }
}

/// The value of `series` (metric name with its labels) in a Prometheus text exposition.
func sample(_ text: String, _ series: String) -> Double? {
    text.split(separator: "\n").lazy.compactMap { line in
        line.hasPrefix(series + " ") ? Double(line.dropFirst(series.count + 1)) : nil
    }.first
}
