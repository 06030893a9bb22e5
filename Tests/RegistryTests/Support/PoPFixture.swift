import BadgeCore
import Foundation
import Registry

/// An organisation, its agent registered with a did:key, and a fresh challenge for that DID.
struct PoPFixture: Sendable {
    let world: World
    let tenant: Tenant
    let keys: AgentKeys
    let agent: Agent
    let challenge: ChallengeRecord
    var did: String { keys.did }

    static func make(_ world: World, _ request: ChallengeRequest = ChallengeRequest()) async throws -> PoPFixture {
        let tenant = try await world.tenant()
        let keys = AgentKeys()
        let agent = try await world.agent(tenant, did: keys.did)
        let challenge = try await world.pop.createChallenge(tenant.principal, did: keys.did, request, clientIP: "192.0.2.7")
        return PoPFixture(world: world, tenant: tenant, keys: keys, agent: agent, challenge: challenge)
    }

    /// A proof for `challenge` (default: the fixture's) signed by `keys` as `did` with header `kid`,
    /// issued now and living 60 s, with `edit` applied last.
    func proof(
        for challenge: ChallengeRecord? = nil, keys: AgentKeys? = nil, did: String? = nil, kid: String? = nil, edit: JWSEdit? = nil
    ) async throws -> String {
        let challenge = challenge ?? self.challenge
        let keys = keys ?? self.keys
        let now = world.clock.now()
        return try await sign(
            ["alg": "EdDSA", "typ": "pop+jwt", "kid": .string(kid ?? keys.kid)],
            [
                "cid": .string(challenge.id), "nonce": .string(challenge.nonce), "sub": .string(did ?? keys.did),
                "aud": .string(challenge.proofAudience), "htu": .string(challenge.htu), "htm": "POST", "iat": .int(now),
                "exp": .int(now + 60), "jti": .string(UUID().uuidString),
            ],
            key: keys.key, edit: edit
        )
    }

    /// Phase 2 for the fixture's DID and challenge unless told otherwise.
    @discardableResult
    func redeem(_ proof: String?, challengeID: String?? = .none, did: String? = nil) async throws -> IssuedBadge {
        let id: String? = switch challengeID {
        case .none: challenge.id
        case .some(let given): given
        }
        return try await world.pop.redeem(routeDID: did ?? self.did, challengeID: id, proofJWS: proof, clientIP: "192.0.2.7")
    }

    /// Redeems a proof built with `edit`.
    @discardableResult
    func redeem(edit: @escaping JWSEdit) async throws -> IssuedBadge {
        try await redeem(try await proof(edit: edit))
    }
}
