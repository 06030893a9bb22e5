import ArgumentParser
import Foundation
import InsigniaHTTP
import Registry
import Storage

/// `insignia badges …`: operator actions on issued badges.
struct Badges: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "badges",
        abstract: "Operator actions on issued badges (uses DATABASE_URL).",
        subcommands: [Revoke.self]
    )

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke any badge by jti, whichever organisation owns it; visible at once to every server.",
            discussion: "Organisations revoke their own badges over HTTP (POST /v1/badges/{jti}/revoke). This is for operators, e.g. for badges minted from anonymous domain-validation grants."
        )
        @Argument(help: "The badge's jti.") var jti: String
        @Option(help: "Why (kept in the ledger and the audit log), e.g. key_compromise.") var reason: String?
        @Option(name: .customLong("by"), help: "Operator name for the audit record (default: $USER).") var operatorName: String?

        func run() async throws {
            let config = try CommandEnvironment.load(logToStandardError: true)
            try await CommandEnvironment.run {
                try await withCA(config) { ca, store in
                    let agents = AgentService(store: store, clock: SystemClock(), issuer: IssuerIdentity(origin: config.issuerURL))
                    let badges = BadgeService(store: store, clock: SystemClock(), agents: agents, ca: ca, policy: config.badgePolicy)
                    let who = operatorName ?? ProcessInfo.processInfo.environment["USER"] ?? "operator"
                    let record = try await badges.revokeAsOperator(jti: jti, reason: reason, operatorName: who)
                    print("badge \(record.jti) revoked at \(Timestamp.rfc3339(record.revokedAt ?? 0))")
                }
            }
        }
    }
}
