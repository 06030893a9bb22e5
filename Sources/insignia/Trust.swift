import ArgumentParser
import BadgeCore
import Foundation
import InsigniaApp
import InsigniaHTTP

/// `insignia trust …`: trust anchors for offline verification, and export to capiscio's files.
struct Trust: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Trust anchors for offline verification; export verified state for capiscio verifiers.",
        subcommands: [Anchor.self, Export.self]
    )

    struct Anchor: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch an issuer's badge and snapshot keys into a trust file for `insignia verify --trust`.",
            discussion: "Writes {\"issuer\",\"jwks\",\"snapshot_keys\"} after checking that the snapshot keys verify the server's current snapshot; prints the keys' RFC 7638 thumbprints on stderr to compare out of band. Carry the file to air-gapped verifiers."
        )
        @Option(help: "The issuer's server, e.g. https://registry.example.com.") var server: String
        @Option(help: "Write the trust file here (mode 0600) instead of stdout.") var out: String?

        func run() async throws {
            try await Startup.run {
                let anchor = try await IssuerTrust(server: server).anchorOnFirstUse(now: Int64(Date().timeIntervalSince1970)).anchor
                let bytes = StoredJSON.line(anchor.json)
                if let out {
                    try PrivateFiles.write(bytes, to: out)
                } else {
                    FileHandle.standardOutput.write(Data(bytes))
                }
                Announce.pinned(anchor, how: "from \(server)")
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a verified snapshot as capiscio-core's offline files: cache/revocations.json and trust/<kid>.jwk.",
            discussion: "DIR is a capiscio home (e.g. ~/.capiscio): revocations go to DIR/cache/revocations.json, the CA keys usable now to DIR/trust/<kid>.jwk with DIR/trust/issuers.json mapping the issuer to them (layout of capiscio-core pkg/revocation and pkg/trust). Inactive agents have no place in capiscio's files and are not exported."
        )
        @Option(help: "The capiscio directory to write (created 0700 when missing).") var capiscio: String
        @OptionGroup var source: SnapshotSourceOptions

        func run() async throws {
            try await Startup.run {
                let now = Int64(Date().timeIntervalSince1970)
                let state = try await SnapshotSource(options: source, now: now).load().state
                guard state.snapshot.exp > now else {
                    throw CommandError("the held snapshot \(state.sequence) expired at \(Timestamp.rfc3339(state.snapshot.exp)); fetch a newer one")
                }
                let written = try CapiscioExport(snapshot: state.snapshot, now: now).write(to: capiscio)
                print("exported snapshot \(state.sequence): \(written.revocations) revocations, \(written.keys) keys to \(capiscio)")
            }
        }
    }
}
