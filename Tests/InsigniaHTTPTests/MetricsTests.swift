import BadgeCore
import Registry
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
}
