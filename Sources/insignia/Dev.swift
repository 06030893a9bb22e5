import ArgumentParser

/// `insignia dev …`: development-only tools (benchmarks, fixtures). Never for production data.
struct Dev: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Development-only tools (refused when ENVIRONMENT=production).",
        subcommands: [DevSeed.self]
    )
}
