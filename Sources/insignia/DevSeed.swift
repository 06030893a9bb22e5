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
            Creates the organisation (if missing), N agents (each with a random did:key and a domain; no audit \
            events) and M badge ledger rows spread over those agents, each with its badge.issued audit event, with \
            multi-row INSERTs in transactions of \(DevSeed.rowsPerTransaction) rows (uses DATABASE_URL). Creation and \
            issue times are spread over the past 7 days with a 5-minute badge lifetime, so almost all badges are expired, \
            as in a long-running CA; one in a thousand is revoked. Each badge gets its transparency log entry unless \
            LOG_ENABLED=false. --revoked N adds N badges (of the first agent) revoked now that stay unexpired for an hour \
            (what a trust snapshot lists). Refused when ENVIRONMENT=production.
            """
    )

    static let rowsPerTransaction = 5000

    @Option(help: "How many badges to insert.") var badges: Int = 10000
    @Option(help: "How many agents to insert (at least 1; the badges are spread over them).") var agents: Int = 1
    @Option(help: "Organisation id or name (created if missing).") var org: String = "bench"
    @Option(help: "How many unexpired revoked badges to add (trust snapshot size).") var revoked: Int = 0

    func validate() throws {
        guard badges >= 0, badges <= 100_000_000 else { throw ValidationError("--badges must be from 0 to 100000000") }
        guard agents >= 1, agents <= 10_000_000 else { throw ValidationError("--agents must be from 1 to 10000000") }
        guard revoked >= 0, revoked <= 10_000_000 else { throw ValidationError("--revoked must be from 0 to 10000000") }
    }

    func run() async throws {
        // Checked before the rest of the configuration, which has its own production rules.
        if ProcessInfo.processInfo.environment["ENVIRONMENT"]?.lowercased() == "production" {
            Startup.fail("dev seed refuses to run with ENVIRONMENT=production")
        }
        let config = Startup.load(logToStandardError: true)
        let count = badges
        let agentCount = agents
        let revokedCount = revoked
        let orgReference = org
        try await Startup.run {
            try await OperatorContext.with(config, schema: .migrate) { context in
                let store = context.store
                let issuer = IssuerIdentity(origin: config.issuerURL)
                // The log grows with the ledger, as issuance makes it (none with LOG_ENABLED=false).
                let logIssuer = config.log.enabled ? issuer.origin : nil
                let organization = try await context.services.organizations.findOrCreate(orgReference)
                let kid = try await store.caKeys().first { $0.state == .active }?.kid ?? "seed"
                let now = SystemClock().now()
                let started = ContinuousClock.now
                let agentIDs = try await Self.seedAgents(agentCount, org: organization.id, now: now, store: store)
                let agentSeconds = (ContinuousClock.now - started) / .seconds(1)
                var inserted = 0
                var batch: [BadgeRecord] = []
                batch.reserveCapacity(Self.rowsPerTransaction)
                while inserted < count {
                    batch.removeAll(keepingCapacity: true)
                    for i in inserted..<min(inserted + Self.rowsPerTransaction, count) {
                        // Oldest first, evenly over the window; the last rows are the newest.
                        let issuedAt = Self.spread(i, of: count, now: now)
                        let agentID = agentIDs[i % agentIDs.count]
                        var record = BadgeRecord(
                            jti: UUID().uuidString.lowercased(), orgID: organization.id, agentID: agentID, subject: issuer.agentDID(agentID),
                            level: "1", ial: "0", kid: kid, issuedAt: issuedAt, expiresAt: issuedAt + 300
                        )
                        if i % 1000 == 999 {
                            record.revokedAt = issuedAt + 60
                            record.revocationReason = "superseded"
                        }
                        batch.append(record)
                    }
                    try await store.seedBadges(batch, now: now, loggedAs: logIssuer)
                    // Issuance records one audit event a badge: the audit view reads as many.
                    try await store.seedAuditEvents(batch.map { badge in
                        .make("badge.issued", orgID: badge.orgID, actor: "seed", subject: badge.jti, agentID: badge.agentID,
                              details: ["level": .string(badge.level)], at: badge.issuedAt)
                    })
                    inserted += batch.count
                    if inserted % 100_000 < Self.rowsPerTransaction, inserted < count {
                        FileHandle.standardError.write(Data("seeded \(inserted)/\(count) badges\n".utf8))
                    }
                }
                // Revoked within the last minute, live for the next hour: all in a trust snapshot.
                var revokedSeeded = 0
                while revokedSeeded < revokedCount {
                    let rows = (revokedSeeded..<min(revokedSeeded + Self.rowsPerTransaction, revokedCount)).map { _ in
                        BadgeRecord(
                            jti: UUID().uuidString.lowercased(), orgID: organization.id, agentID: agentIDs[0], subject: issuer.agentDID(agentIDs[0]), level: "1", ial: "0",
                            kid: kid, issuedAt: now - 60, expiresAt: now + 3600, revokedAt: now, revocationReason: "key_compromise"
                        )
                    }
                    try await store.seedBadges(rows, now: now, loggedAs: logIssuer)
                    revokedSeeded += rows.count
                }
                let seconds = (ContinuousClock.now - started) / .seconds(1)
                let rate = seconds > 0 ? String(format: "%.0f", Double(count + agentCount) / seconds) : "-"
                if revokedCount > 0 { print("seeded \(revokedCount) unexpired revoked badges") }
                print(
                    "seeded \(agentCount) agents (in \(String(format: "%.1f", agentSeconds)) s) and \(count) badges of organisation "
                        + "\(organization.name) [\(organization.id)] in \(String(format: "%.1f", seconds)) s (\(rate) rows/s); first agent \(agentIDs[0])"
                )
            }
        }
    }

    /// Time `i` of `count` spread evenly over the 7 days before `now`, oldest first.
    static func spread(_ i: Int, of count: Int, now: Int64) -> Int64 {
        let window: Int64 = 7 * 24 * 3600
        return now - window + Int64(Double(window) * Double(i) / Double(max(count, 1)))
    }

    /// Inserts `count` agents of `org` (random did:key, a domain, creation times over 7 days) and
    /// returns their ids.
    static func seedAgents(_ count: Int, org: String, now: Int64, store: SQLStore) async throws -> [String] {
        var ids: [String] = []
        ids.reserveCapacity(count)
        var batch: [Agent] = []
        batch.reserveCapacity(rowsPerTransaction)
        var rng = SystemRandomNumberGenerator()
        while ids.count < count {
            batch.removeAll(keepingCapacity: true)
            for i in ids.count..<min(ids.count + rowsPerTransaction, count) {
                let created = spread(i, of: count, now: now)
                let key = try PublicJWK(rawKey: (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) })
                let id = UUID().uuidString.lowercased()
                batch.append(Agent(
                    id: id, orgID: org, name: "seed-agent-\(i)", description: "synthetic agent created by insignia dev seed",
                    domain: "agent-\(i).seed.example", did: DIDKey.did(for: key), createdAt: created, updatedAt: created
                ))
            }
            try await store.seedAgents(batch)
            ids += batch.map(\.id)
            if ids.count % 100_000 < rowsPerTransaction, ids.count < count {
                FileHandle.standardError.write(Data("seeded \(ids.count)/\(count) agents\n".utf8))
            }
        }
        return ids
    }
}
