import ArgumentParser

/// The `insignia` command: the server and its operator tools.
@main
struct Insignia: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "insignia",
        abstract: "Insignia: agent registry and trust-badge Certificate Authority.",
        discussion: "Configuration comes from the environment: DATABASE_URL, PORT, HOST, ENVIRONMENT, LOG_LEVEL, CA_ISSUER_URL, CA_KEY_PATH, CA_PRIVATE_KEY_JWK, BADGE_RATE_LIMIT_PER_MINUTE, API_RATE_LIMIT_PER_MINUTE, LOG_ENABLED, LOG_KEY_PATH, LOG_PRIVATE_KEY_JWK, LOG_ORIGIN, LOG_CHECKPOINT_INTERVAL (see README).",
        subcommands: [Serve.self, Migrate.self, Keys.self, CA.self, Orgs.self, Badges.self, Log.self, Dev.self]
    )
}
