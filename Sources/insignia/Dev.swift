import ArgumentParser

/// `insignia dev …`: tools for developers testing their integration and for benchmarks. Never for
/// production data.
struct Dev: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Developer tools: agent keys, proofs of possession, benchmark fixtures.",
        subcommands: [DevKeygen.self, DevProve.self, DevSeed.self]
    )
}
