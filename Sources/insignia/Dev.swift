import ArgumentParser

/// `insignia dev …`: tools for developers testing their integration (not for production data).
struct Dev: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Developer tools: agent keys, proofs of possession.",
        subcommands: [DevKeygen.self, DevProve.self]
    )
}
