import ArgumentParser
import BadgeCore
import InsigniaApp
import Foundation
import InsigniaHTTP
import Registry
import Storage

/// `insignia dev seed`: fills the badge ledger with synthetic rows so benchmarks can compare a
/// small and a large database. The rows are ledger entries only (no tokens exist for them).
struct DevSeed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Development only: bulk-insert synthetic badges for benchmarks",
        discussion: """
            Creates the organisation (if missing) and one agent with a random did:key, then inserts N ledger rows \
            for that agent in transactions of \(DevSeed.rowsPerTransaction) rows (uses DATABASE_URL). Issue times are spread over \
            the past 7 days with a 5-minute lifetime, so almost all are expired, as in a long-running CA; one in a \
            thousand is revoked. Each row gets its transparency log entry unless LOG_ENABLED=false. --revoked N adds N badges revoked now that stay unexpired for an hour (what a trust \
            snapshot lists). Refused when ENVIRONMENT=production.
            """
    )

    static let rowsPerTransaction = 5000

    @Option(help: "How many badges to insert.") var badges: Int = 10000
    @Option(help: "Organisation id or name (created if missing).") var org: String = "bench"
    @Option(help: "How many unexpired revoked badges to add (trust snapshot size).") var revoked: Int = 0

    func validate() throws {
        guard badges >= 0, badges <= 100_000_000 else { throw ValidationError("--badges must be from 0 to 100000000") }
        guard revoked >= 0, revoked <= 10_000_000 else { throw ValidationError("--revoked must be from 0 to 10000000") }
    }

    func run() async throws {
        // Checked before the rest of the configuration, which has its own production rules.
        if ProcessInfo.processInfo.environment["ENVIRONMENT"]?.lowercased() == "production" {
            Startup.fail("dev seed refuses to run with ENVIRONMENT=production")
        }
        let config = Startup.load(logToStandardError: true)
        let count = badges
        let revokedCount = revoked
        let orgReference = org
        try await Startup.run {
            try await OperatorContext.with(config, schema: .migrate) { context in
                let store = context.store
                let clock = SystemClock()
                let issuer = IssuerIdentity(origin: config.issuerURL)
                // The log grows with the ledger, as issuance makes it (none with LOG_ENABLED=false).
                let logIssuer = config.log.enabled ? issuer.origin : nil
                let organization = try await context.services.organizations.findOrCreate(orgReference)
                let principal = Principal(orgID: organization.id, apiKeyID: nil, scopes: [])
                var input = AgentInput()
                input.name = .some("seed-\(UUID().uuidString.lowercased().prefix(8))")
                input.description = .some("synthetic agent created by insignia dev seed")
                input.did = .some(DIDKey.did(for: try PublicJWK(rawKey: (0..<32).map { _ in UInt8.random(in: 0...255) })))
                let agent = try await context.services.agents.create(principal, input)
                let kid = try await store.caKeys().first { $0.state == .active }?.kid ?? "seed"
                let subject = issuer.agentDID(agent.id)

                let now = clock.now()
                let window: Int64 = 7 * 24 * 3600
                let started = ContinuousClock.now
                var inserted = 0
                var batch: [BadgeRecord] = []
                batch.reserveCapacity(Self.rowsPerTransaction)
                while inserted < count {
                    batch.removeAll(keepingCapacity: true)
                    for i in inserted..<min(inserted + Self.rowsPerTransaction, count) {
                        // Oldest first, evenly over the window; the last rows are the newest.
                        let issuedAt = now - window + Int64(Double(window) * Double(i) / Double(max(count, 1)))
                        var record = BadgeRecord(
                            jti: UUID().uuidString.lowercased(), orgID: organization.id, agentID: agent.id, subject: subject,
                            level: "1", ial: "0", kid: kid, issuedAt: issuedAt, expiresAt: issuedAt + 300
                        )
                        if i % 1000 == 999 {
                            record.revokedAt = issuedAt + 60
                            record.revocationReason = "superseded"
                        }
                        batch.append(record)
                    }
                    try await store.seedBadges(batch, now: now, loggedAs: logIssuer)
                    inserted += batch.count
                    if inserted % 100_000 < Self.rowsPerTransaction, inserted < count {
                        FileHandle.standardError.write(Data("seeded \(inserted)/\(count)\n".utf8))
                    }
                }
                // Revoked within the last minute, live for the next hour: all in a trust snapshot.
                var revokedSeeded = 0
                while revokedSeeded < revokedCount {
                    let rows = (revokedSeeded..<min(revokedSeeded + Self.rowsPerTransaction, revokedCount)).map { _ in
                        BadgeRecord(
                            jti: UUID().uuidString.lowercased(), orgID: organization.id, agentID: agent.id, subject: subject, level: "1", ial: "0",
                            kid: kid, issuedAt: now - 60, expiresAt: now + 3600, revokedAt: now, revocationReason: "key_compromise"
                        )
                    }
                    try await store.seedBadges(rows, now: now, loggedAs: logIssuer)
                    revokedSeeded += rows.count
                }
                let seconds = (ContinuousClock.now - started) / .seconds(1)
                let rate = seconds > 0 ? String(format: "%.0f", Double(count) / seconds) : "-"
                if revokedCount > 0 { print("seeded \(revokedCount) unexpired revoked badges") }
                print("seeded \(count) badges for agent \(agent.id) of organisation \(organization.name) [\(organization.id)] in \(String(format: "%.1f", seconds)) s (\(rate) rows/s)")
            }
        }
    }
}
