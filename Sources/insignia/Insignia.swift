import Foundation
import ArgumentParser

/// The `insignia` command: the server and its operator tools.
@main
struct Insignia: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "insignia",
        abstract: "Insignia: agent registry and trust-badge Certificate Authority.",
        discussion: "Configuration comes from the environment: DATABASE_URL, PORT, HOST, ENVIRONMENT, LOG_LEVEL, CA_ISSUER_URL, CA_KEY_PATH, CA_PRIVATE_KEY_JWK, BADGE_RATE_LIMIT_PER_MINUTE, API_RATE_LIMIT_PER_MINUTE, LOG_ENABLED, LOG_KEY_PATH, LOG_PRIVATE_KEY_JWK, LOG_ORIGIN, LOG_CHECKPOINT_INTERVAL (see README).",
        subcommands: [Serve.self, Migrate.self, Keys.self, CA.self, Orgs.self, Badges.self, Log.self, Verify.self, Trust.self, Dev.self]
    )

    /// As ArgumentParser's, except that `insignia verify` reports a usage error with exit status 2
    /// (its documented contract: 0 valid, 1 invalid, 2 usage or I/O error) instead of 64.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let isVerify = CommandLine.arguments.dropFirst().first == "verify"
            guard isVerify, exitCode(for: error) == .validationFailure else { exit(withError: error) }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(2)
        }
    }
}
