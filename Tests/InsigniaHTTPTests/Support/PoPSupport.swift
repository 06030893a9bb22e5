import BadgeCore
import Foundation
import Registry
import Testing

/// An agent's own key pair and the did:key it controls.
struct AgentKeys: Sendable {
    let key = PrivateJWK.generate(kid: "agent")
    var did: String { DIDKey.did(for: key.publicKey) }
    /// The kid the Go PoP client uses for did:key subjects: `<did>#<multibase>`.
    var kid: String { did + "#" + String(did.dropFirst("did:key:".count)) }
}

/// Documents served by a fake `did:web` resolver (no network).
struct StaticDIDResolver: DIDResolving {
    let documents: [String: DIDDocument]

    func resolve(_ did: String) async throws -> DIDDocument {
        guard let document = documents[did] else {
            throw RegistryError(.didResolutionFailed, "unknown test DID")
        }
        return document
    }
}

extension TestApp {
    /// Registers an agent with `keys.did` and returns its id.
    func popAgent(_ tenant: TestTenant, did: String) async throws -> String {
        try await createAgent(tenant, ["name": "pop", "did": .string(did), "domain": "pop.example.com"])
    }

    /// The DID as the Go client puts it in a path (`url.PathEscape`: `:` stays, `%` becomes `%25`).
    static func pathEscaped(_ did: String) -> String { did.replacingOccurrences(of: "%", with: "%25") }

    /// Phase 1 for `did`; returns the response.
    func challenge(_ tenant: TestTenant, did: String, _ body: JSONValue? = nil, sdk: Bool = false) async throws -> TestResult {
        try await request(.post, "\(sdk ? "/v1/sdk/agents" : "/v1/agents")/\(Self.pathEscaped(did))/badge/challenge", key: tenant.key, json: body ?? [:])
    }

    /// A proof for `challenge` signed with `keys`, with `edit` applied to header and payload first.
    func proof(
        _ challenge: JSONValue, keys: AgentKeys, did: String? = nil, kid: String? = nil,
        edit: (inout [String: JSONValue], inout [String: JSONValue]) -> Void = { _, _ in }
    ) async throws -> String {
        let now = clock.now()
        var header: [String: JSONValue] = ["alg": "EdDSA", "typ": "pop+jwt", "kid": .string(kid ?? keys.kid)]
        var payload: [String: JSONValue] = [
            "cid": try #require(challenge["challenge_id"]), "nonce": try #require(challenge["nonce"]), "sub": .string(did ?? keys.did),
            "aud": try #require(challenge["aud"]), "htu": try #require(challenge["htu"]), "htm": "POST", "iat": .int(now),
            "exp": .int(now + 60), "jti": .string(UUID().uuidString),
        ]
        edit(&header, &payload)
        return try await JWS.sign(header: .object(header), payload: .object(payload), signer: Ed25519Signer(key: keys.key))
    }

    /// Phase 2 on the Go client's route (raw colons in the DID, no credential).
    func submit(did: String, _ body: JSONValue) async throws -> TestResult {
        try await request(.post, "/v1/agents/\(Self.pathEscaped(did))/badge/pop", json: body)
    }
}
