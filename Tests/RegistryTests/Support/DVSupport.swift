import BadgeCore
import Foundation
import Registry

extension World {
    /// Creates a DV order for `domain` with `key` as the agent key.
    func order(
        _ domain: String, _ type: DVChallengeType = .dns01, key: PrivateJWK, by tenant: Tenant? = nil, clientIP: String? = "198.51.100.1"
    ) async throws -> DVOrder {
        try await dv.createOrder(
            tenant?.principal, DVService.OrderRequest(domain: domain, challengeType: type.rawValue, key: key.publicKey), clientIP: clientIP
        )
    }

    /// Publishes the order's expected content and finalizes it.
    func validate(_ order: DVOrder, by tenant: Tenant? = nil) async throws -> (order: DVOrder, grant: DVGrant) {
        validator.publish(for: order)
        return try await dv.finalize(id: order.id, principal: tenant?.principal)
    }

    /// A grant-endpoint proof (CONTRACT.md §5.5) signed by `key`, carrying it as header `jwk`.
    func grantProof(_ key: PrivateJWK, method: String, path: String, edit: JWSEdit? = nil) async throws -> GrantProofRequest {
        let now = clock.now()
        let proof = try await sign(
            ["alg": "EdDSA", "typ": "pop+jwt", "jwk": key.publicKey.json],
            [
                "htm": .string(method), "htu": .string(World.origin + path), "aud": .string(World.origin), "iat": .int(now),
                "exp": .int(now + 60), "jti": .string(UUID().uuidString),
            ],
            key: key, edit: edit
        )
        return GrantProofRequest(proof: proof, method: method, path: path, clientIP: "198.51.100.1")
    }
}

/// The paths of the grant endpoints.
enum GrantPaths {
    static func status(_ jti: String) -> String { "/v1/badges/dv/grants/\(jti)/status" }
    static func revoke(_ jti: String) -> String { "/v1/badges/dv/grants/\(jti)/revoke" }
}
