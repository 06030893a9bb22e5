import ArgumentParser
import Foundation
import CAKeys
import InsigniaHTTP
import Logging
import Registry
import Storage

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
            let config = try CommandEnvironment.load(logToStandardError: true)
            try await CommandEnvironment.run {
                try await withStore(config) { store in
                    let clock = SystemClock()
                    let organization = try await OrganizationService(store: store, clock: clock).findOrCreate(org)
                    let created = try await APIKeyService(store: store, clock: clock).create(orgID: organization.id, name: name, scopes: scopes)
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
            let config = try CommandEnvironment.load(logToStandardError: true)
            try await CommandEnvironment.run {
                try await withStore(config) { store in
                    var orgID: String?
                    if let org {
                        let byID = try await store.organization(id: org.lowercased())
                        let byName = try await store.organization(named: org)
                        guard let found = byID ?? byName else { throw RegistryError.notFound("organisation") }
                        orgID = found.id
                    }
                    let keys = try await APIKeyService(store: store, clock: SystemClock()).list(orgID: orgID)
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
            let config = try CommandEnvironment.load(logToStandardError: true)
            try await CommandEnvironment.run {
                try await withStore(config) { store in
                    try await APIKeyService(store: store, clock: SystemClock()).revoke(id: id, orgID: nil)
                    print("revoked API key \(id)")
                }
            }
        }
    }
}

/// Opens and migrates the configured database for a one-shot command.
func withStore(_ config: AppConfig, _ body: @Sendable (SQLStore) async throws -> Void) async throws {
    try await OpenedDatabase.withRunning(config.database, logger: Logger(label: "insignia")) { opened in
        try await Migrator.migrate(opened.database, clock: { SystemClock().now() })
        try await body(opened.store)
    }
}

extension RegistryError: RegistryErrorLike {}
extension CAKeyError: RegistryErrorLike {}
