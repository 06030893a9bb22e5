import ArgumentParser
import BadgeCore
import CAKeys
import Foundation
import InsigniaApp
import Outbound

/// `insignia log …`: the badge transparency log's key and audits over its public HTTP interface.
struct Log: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "The badge transparency log (C2SP tlog-tiles): verifier key, whole-log audit, offline proof check.",
        subcommands: [VKey.self, Verify.self, ProofVerify.self]
    )

    struct VKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "vkey",
            abstract: "Print the log's signed-note verifier key (<origin>+<hex key id>+<base64 key>).",
            discussion: "With --url, as the server at that origin serves it (GET /tlog/vkey); otherwise from this machine's LOG_PRIVATE_KEY_JWK or LOG_KEY_PATH and LOG_ORIGIN (never creating a key)."
        )
        @Option(help: "Issuer origin of a running server, e.g. https://registry.example.com.") var url: String?

        func run() async throws {
            let config = Startup.load(logToStandardError: true)
            try await Startup.run {
                if let url {
                    print(String(decoding: try await OriginHTTP(origin: url, base: "/tlog/").require("vkey"), as: UTF8.self).trimmingCharacters(in: .newlines))
                    return
                }
                let path = config.log.keyFile(caKeyPath: config.caKeyPath)
                let inline = config.log.inlineJWK
                guard inline != nil || FileManager.default.fileExists(atPath: path) else {
                    throw CommandError("no log key: \(path) (LOG_KEY_PATH) does not exist and LOG_PRIVATE_KEY_JWK is unset")
                }
                let key = try CAKeyFiles.loadPrimary(
                    inlineJWK: inline, path: path, allowEphemeral: false, now: 0, inlineName: "LOG_PRIVATE_KEY_JWK", pathName: "LOG_KEY_PATH"
                ).key
                guard let signer = NoteSigner(name: config.log.logOrigin(issuerURL: config.issuerURL), key: key) else {
                    throw CommandError("LOG_ORIGIN is not a valid key name")
                }
                print(signer.verifierKey)
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Audit the whole log over HTTP: signature, every tile and entry, the root, and consistency with a saved checkpoint.",
            discussion: "Fetches <url>/tlog/checkpoint, every entry bundle and hash tile, recomputes the tree and exits non-zero naming the first mismatch. Prints the verified checkpoint on stdout: save it and pass it as --since next time."
        )
        @Option(help: "Issuer origin (default: CA_ISSUER_URL); the log is at <url>/tlog/.") var url: String?
        @Option(help: "The verifier key to trust (default: the one the server serves, which checks less).") var vkey: String?
        @Option(help: "A checkpoint saved earlier: the log must extend it.") var since: String?

        func run() async throws {
            let config = Startup.load(logToStandardError: true)
            try await Startup.run {
                let http = OriginHTTP(origin: url ?? config.issuerURL, base: "/tlog/")
                var keyText = vkey ?? ""
                if vkey == nil { keyText = String(decoding: try await http.require("vkey"), as: UTF8.self).trimmingCharacters(in: .newlines) }
                guard let key = NoteVerifierKey(keyText) else { throw CommandError("not a signed-note verifier key: \(keyText)") }
                let saved = try since.map { try String(contentsOfFile: $0, encoding: .utf8) }
                do {
                    let (checkpoint, note) = try await LogAudit(key: key, fetch: http.get).run(since: saved)
                    FileHandle.standardError.write(Data("insignia: log verified: \(checkpoint.size) entries, root \(Base64Std.encode(checkpoint.root))\n".utf8))
                    print(note, terminator: "")
                } catch let failure as LogAuditFailure {
                    throw CommandError("log verification failed: \(failure.description)")
                }
            }
        }
    }

    struct ProofVerify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "proof-verify",
            abstract: "Check a tlog-proof file offline: the badge's entry is in a checkpoint signed by the log key."
        )
        @Argument(help: "The proof file (GET /v1/badges/{jti}/proof).") var file: String
        @Option(help: "The badge (or DV grant) as a compact JWS.") var badge: String
        @Option(help: "The log's verifier key.") var vkey: String

        func run() async throws {
            _ = Startup.load(logToStandardError: true)
            try await Startup.run {
                guard let key = NoteVerifierKey(vkey) else { throw CommandError("not a signed-note verifier key: \(vkey)") }
                guard let proof = TlogProof.parse(try String(contentsOfFile: file, encoding: .utf8)) else {
                    throw CommandError("\(file) is not a c2sp.org/tlog-proof@v1 file")
                }
                guard let entry = LogEntry(token: badge.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                    throw CommandError("--badge is not a badge or grant JWS")
                }
                switch proof.verify(entry: entry.bytes, key: key) {
                case .success(let checkpoint):
                    print("ok: \(entry.jti) is entry \(proof.index) of \(checkpoint.size) in \(checkpoint.origin)")
                case .failure(.checkpointSignature):
                    throw CommandError("the proof's checkpoint is not signed by \(key.name)")
                case .failure(.inclusion):
                    throw CommandError("the inclusion proof does not lead from this badge's entry to the checkpoint's root")
                }
            }
        }
    }
}
