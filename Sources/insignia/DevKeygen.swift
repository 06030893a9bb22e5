import ArgumentParser
import BadgeCore
import InsigniaApp
import CAKeys
import Foundation

/// `insignia dev keygen`: an agent key pair and its did:key.
struct DevKeygen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Generate an Ed25519 agent key; print its did:key alone on the last line.",
        discussion: "With --out the private JWK is written to that file (mode 0600); otherwise it is printed first. Keep it secret: it is the agent's identity."
    )
    @Option(help: "Write the private JWK to this file (mode 0600) instead of printing it.") var out: String?

    func run() async throws {
        let key = PrivateJWK.generate(kid: "agent")
        let did = DIDKey.did(for: key.publicKey)
        if let out {
            do {
                try CAKeyFiles.write(key, to: out)
            } catch {
                Startup.fail("cannot write \(out): \(error)")
            }
            print("private key written to \(out)")
        } else {
            print(String(decoding: key.json().serialized(), as: UTF8.self))
        }
        print(did)
    }
}
