import ArgumentParser
import Foundation
import InsigniaApp
import InsigniaHTTP
import Registry

/// `insignia keys …`: operator management of API keys, straight on the database.
struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create, list and revoke API keys (uses DATABASE_URL).",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an API key; its plaintext is printed once, alone on the last line of stdout.",
            discussion: "The organisation (by id or name) is created when it does not exist. Scripts: KEY=$(insignia keys create --name ci | tail -n 1)"
        )
        @Option(help: "A label for the key.") var name: String
        @Option(help: "Organisation id or name (created if missing).") var org: String = "default"
        @Option(name: .customLong("scope"), help: "Limit the key to a scope (repeatable): \(Scope.all.sorted().joined(separator: ", ")). Default: all.")
        var scopes: [String] = []

        func run() async throws {
            let config = Startup.load(logToStandardError: true)
            try await Startup.run {
                try await OperatorContext.with(config, schema: .migrate) { context in
                    let organization = try await context.services.organizations.findOrCreate(org)
                    let created = try await context.services.apiKeys.create(orgID: organization.id, name: name, scopes: scopes)
                    print("created API key \(created.record.id) (\(created.record.prefix)…) for organisation \(organization.name) [\(organization.id)]")
                    print("store it now; it is not shown again:")
                    print(created.plaintext)
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List API keys (never their secrets).")
        @Option(help: "Only this organisation (id or name).") var org: String?

        func run() async throws {
            let config = Startup.load(logToStandardError: true)
            try await Startup.run {
                try await OperatorContext.with(config, schema: .requireCurrent) { context in
                    var orgID: String?
                    if let org {
                        guard let found = try await context.services.organizations.find(org) else { throw RegistryError.notFound("organisation") }
                        orgID = found.id
                    }
                    let keys = try await context.services.apiKeys.list(orgID: orgID)
                    print(["ID", "ORG", "NAME", "PREFIX", "STATE", "CREATED", "LAST_USED"].joined(separator: "\t"))
                    let now = SystemClock().now()
                    for key in keys {
                        let state = key.revokedAt != nil ? "revoked" : (key.isUsable(at: now) ? "active" : "expired")
                        print([key.id, key.orgID, key.name, key.prefix, state, Timestamp.rfc3339(key.createdAt), key.lastUsedAt.map(Timestamp.rfc3339) ?? "-"]
                            .joined(separator: "\t"))
                    }
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an API key by id; it stops working at once.")
        @Argument(help: "The key id (from `insignia keys list`).") var id: String

        func run() async throws {
            let config = Startup.load(logToStandardError: true)
            try await Startup.run {
                try await OperatorContext.with(config, schema: .migrate) { context in
                    try await context.services.apiKeys.revoke(id: id, orgID: nil)
                    print("revoked API key \(id)")
                }
            }
        }
    }
}
