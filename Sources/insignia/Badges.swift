import ArgumentParser
import Foundation
import InsigniaApp
import InsigniaHTTP
import Registry

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
            let config = Startup.load(logToStandardError: true)
            try await Startup.run {
                try await OperatorContext.with(config, schema: .migrate) { context in
                    let who = operatorName ?? ProcessInfo.processInfo.environment["USER"] ?? "operator"
                    let record = try await context.services.badges.revokeAsOperator(jti: jti, reason: reason, operatorName: who)
                    print("badge \(record.jti) revoked at \(Timestamp.rfc3339(record.revokedAt ?? 0))")
                }
            }
        }
    }
}
