import ArgumentParser
import BadgeCore
import InsigniaApp
import Foundation

/// `insignia dev prove`: signs a proof of possession for a challenge, as the capiscio Go client does.
struct DevProve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prove",
        abstract: "Sign a proof-of-possession JWS for a challenge; print it alone on stdout.",
        discussion: """
            Reads the challenge JSON (the answer of POST /v1/agents/{did}/badge/challenge) from --challenge, or \
            stdin when it is '-'. The proof is {alg: EdDSA, typ: pop+jwt, kid} over {cid, nonce, sub, aud, htu, htm, \
            iat, exp = iat + 60, jti}, with kid <did>#<multibase> for did:key and <did>#key-1 for did:web.
            """
    )
    @Option(help: "The agent's private JWK file (from `insignia dev keygen --out`).") var key: String
    @Option(help: "Challenge JSON file, or - for stdin.") var challenge: String = "-"
    @Option(help: "The DID to prove (default: the key's did:key).") var did: String?

    func run() async throws {
        let privateKey: PrivateJWK
        let challengeJSON: JSONValue
        do {
            privateKey = try PrivateJWK(json: JSONValue.parse(Array(try Data(contentsOf: URL(fileURLWithPath: key)))))
            let input = challenge == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: challenge))
            challengeJSON = try JSONValue.parse(Array(input))
        } catch {
            Startup.fail("cannot read the key or challenge: \(error)")
        }
        let subject = did ?? DIDKey.did(for: privateKey.publicKey)
        let kid = subject.hasPrefix("did:key:") ? subject + "#" + subject.dropFirst("did:key:".count) : subject + "#key-1"
        let now = Int64(Date().timeIntervalSince1970)
        var payload: [String: JSONValue] = ["sub": .string(subject), "htm": "POST", "iat": .int(now), "exp": .int(now + 60), "jti": .string(UUID().uuidString)]
        for (claim, member) in [("cid", "challenge_id"), ("nonce", "nonce"), ("aud", "aud"), ("htu", "htu")] {
            guard let value = challengeJSON[member]?.stringValue else { Startup.fail("the challenge has no \(member)") }
            payload[claim] = .string(value)
        }
        let proof = try await JWS.sign(
            header: ["alg": "EdDSA", "typ": "pop+jwt", "kid": .string(kid)], payload: .object(payload),
            signer: Ed25519Signer(key: privateKey)
        )
        print(proof)
    }
}
