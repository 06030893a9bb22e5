import ArgumentParser
import CAKeys
import Foundation
import InsigniaApp
import InsigniaHTTP
import Registry

/// `insignia ca …`: the CA's signing keys.
struct CA: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ca",
        abstract: "Inspect, rotate and recover the CA signing keys (uses DATABASE_URL, CA_KEY_PATH, CA_PRIVATE_KEY_JWK).",
        subcommands: [Rotate.self, List.self, Recover.self]
    )

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a new signing key and make it active; the old key is retired.",
            discussion: """
                The new private key is written to <dir of CA_KEY_PATH>/<kid>.jwk (mode 0600); every server \
                sharing that directory and DATABASE_URL switches to it within seconds. The retired key stays in \
                /.well-known/jwks.json until the last badge it signed has expired. Go verifiers use only the \
                first JWKS key and cache it for 5 minutes: rotate at a quiet time (see README).
                """
        )

        func run() async throws {
            let config = Startup.load(logToStandardError: true)
            try await Startup.run {
                try await OperatorContext.with(config, schema: .migrate, caKeys: .signing) { context in
                    let record = try await CABootstrap.rotate(service: context.services.ca, keyPath: config.caKeyPath)
                    print("rotated: \(record.kid) is now the active signing key")
                }
            }
        }
    }

    struct Recover: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace an active signing key whose private key is lost with a new key.",
            discussion: """
                Use only when the active key's file is gone for good (`insignia serve` refuses to start and names it). \
                KID must be the active key and its private key must be absent from the key directory and \
                CA_PRIVATE_KEY_JWK. A new key is written to <dir of CA_KEY_PATH>/<kid>.jwk (mode 0600) and made active; \
                the lost key's public key stays in /.well-known/jwks.json until the last badge it signed has expired, \
                so those badges keep verifying. Audited as ca.key.recovered.
                """
        )
        @Option(help: "The kid of the lost active key (see `insignia ca list`).") var lost: String

        func run() async throws {
            let config = Startup.load(logToStandardError: true)
            try await Startup.run {
                try await OperatorContext.with(config, schema: .migrate) { context in
                    let record = try await CABootstrap.recover(
                        store: context.store, clock: SystemClock(), inlineJWK: config.caInlineJWK, keyPath: config.caKeyPath, lostKID: lost
                    )
                    print("recovered: \(record.kid) is now the active signing key; \(lost) stays published until its badges expire")
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List CA keys with their state and whether they are published in the JWKS.")

        func run() async throws {
            let config = Startup.load(logToStandardError: true)
            try await Startup.run {
                try await OperatorContext.with(config, schema: .requireCurrent) { context in
                    print(["KID", "STATE", "CREATED", "ACTIVATED", "RETIRED", "IN_JWKS"].joined(separator: "\t"))
                    for (record, published) in try await context.services.ca.listKeys() {
                        print([
                            record.kid, record.state.rawValue, Timestamp.rfc3339(record.createdAt),
                            record.activatedAt.map(Timestamp.rfc3339) ?? "-", record.retiredAt.map(Timestamp.rfc3339) ?? "-",
                            published ? "yes" : "no",
                        ].joined(separator: "\t"))
                    }
                }
            }
        }
    }
}

/// `insignia orgs …`: organisation administration.
struct Orgs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orgs",
        abstract: "Administer organisations (uses DATABASE_URL).",
        subcommands: [Verify.self]
    )

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record that an organisation passed verification at level 3 (OV) or 4 (EV).",
            discussion: "Badges at levels 3 and 4 are issued only to organisations verified at that level. The record keeps who, when and the note, and is audited."
        )
        @Argument(help: "Organisation id or name.") var org: String
        @Option(help: "3 (organisation validated) or 4 (extended validation).") var level: Int
        @Option(help: "What was checked (required; kept in the audit record).") var note: String
        @Option(name: .customLong("by"), help: "Operator name for the record (default: $USER).") var operatorName: String?

        func run() async throws {
            let config = Startup.load(logToStandardError: true)
            try await Startup.run {
                try await OperatorContext.with(config, schema: .migrate) { context in
                    let who = operatorName ?? ProcessInfo.processInfo.environment["USER"] ?? "operator"
                    let verified = try await context.services.organizations.verify(org, level: level, note: note, by: who)
                    print("organisation \(verified.name) [\(verified.id)] verified at level \(level) by \(who)")
                }
            }
        }
    }
}
