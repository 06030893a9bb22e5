import BadgeCore
import Foundation
import Registry

/// A DV-validated domain, its grant, and an agent whose did:web document (two keys) the fake
/// resolver serves.
struct MintFixture: Sendable {
    static let domain = "mint.example.com"
    static let did = "did:web:mint.example.com:agents:billing"
    static let defaultRequest: JSONValue = ["sub": .string(did), "aud": "https://partner.example", "exp_seconds": 600]

    let world: World
    /// The grant's key (`cnf.jkt`): method `#key-1`.
    let agent: PrivateJWK
    /// A second key of the document (`#key-2`), not bound to the grant.
    let other: PrivateJWK
    let grant: DVGrant
    let tenant: Tenant?

    var mintURL: String { World.origin + "/v1/badges/mint" }

    /// A grant for ``domain`` validated over http-01, bound to a tenant when `keyed`.
    static func make(keyed: Bool = false, dvPolicy: DVPolicy = DVPolicy()) async throws -> MintFixture {
        let world = try await World.make(dvPolicy: dvPolicy)
        let agent = PrivateJWK.generate(kid: "agent")
        let other = PrivateJWK.generate(kid: "other")
        world.resolver.serve(DIDDocument(
            id: did,
            verificationMethods: [
                VerificationMethod(id: did + "#key-1", controller: did, publicKey: agent.publicKey),
                VerificationMethod(id: did + "#key-2", controller: did, publicKey: other.publicKey),
            ],
            authentication: [did + "#key-1", did + "#key-2"]
        ))
        let tenant = keyed ? try await world.tenant() : nil
        let (_, grant) = try await world.validate(try await world.order(domain, .http01, key: agent, by: tenant), by: tenant)
        return MintFixture(world: world, agent: agent, other: other, grant: grant, tenant: tenant)
    }

    /// A mint proof signed by `key`, header `kid` = the DID + `kid`, with `edit` applied last.
    func proof(_ key: PrivateJWK, kid: String? = "#key-1", edit: JWSEdit? = nil) async throws -> String {
        let now = world.clock.now()
        var header: [String: JSONValue] = ["alg": "EdDSA", "typ": "pop+jwt"]
        if let kid { header["kid"] = .string(Self.did + kid) }
        return try await sign(
            header,
            ["aud": .string(mintURL), "htu": .string(mintURL), "htm": "POST", "iat": .int(now), "exp": .int(now + 60), "jti": .string(UUID().uuidString)],
            key: key, edit: edit
        )
    }

    /// The grant re-signed by the CA's key after `edit`.
    func caSigned(edit: @escaping JWSEdit) async throws -> String {
        let jws = try CompactJWS.parse(grant.token)
        return try await sign(jws.header.objectValue ?? [:], jws.payload.objectValue ?? [:], key: world.caKey, edit: edit)
    }

    /// Mints with the fixture's grant, a fresh proof by the grant key and the default request,
    /// unless told otherwise.
    @discardableResult
    func mint(grant: String? = nil, proof: String? = nil, _ request: JSONValue = defaultRequest, clientIP: String? = "203.0.113.50") async throws -> MintService.Minted {
        let signed: String
        if let proof { signed = proof } else { signed = try await self.proof(agent) }
        return try await world.mint.mint(MintService.Request(grant: grant ?? self.grant.token, proof: signed, badgeRequest: request, clientIP: clientIP))
    }
}
