import Foundation
import BadgeCore
import HTTPTypes
import Hummingbird
import Registry

/// Domain validation (ACME-lite) orders and finalize (CONTRACT.md §4.8.1–4.8.3). Anonymous by
/// default; a presented API key binds the order to its organisation.
struct DVController {
    let dv: DVService
    let authenticator: Authenticator
    let bodyLimit: Int

    func register(on router: Router<AppRequestContext>) {
        router.post("/v1/badges/dv/orders") { request, context in
            let context = try await optionallyAuthenticated(request, context)
            let body = try await JSONBody.object(request, limit: bodyLimit)
            let order = try await dv.createOrder(context.principal, try Self.orderRequest(body), clientIP: context.clientIP)
            context.logger.info("dv order created", metadata: ["order_id": .string(order.id), "domain": .string(order.domain)])
            return APIResponse.json(Self.orderJSON(order), status: .created, headers: PublicController.noStore)
        }
        router.get("/v1/badges/dv/orders/{order_id}") { _, context in
            let order = try await dv.order(id: try context.pathParameter("order_id"))
            return APIResponse.json(Self.orderJSON(order), headers: PublicController.noStore)
        }
        router.post("/v1/badges/dv/orders/{order_id}/finalize") { request, context in
            let context = try await optionallyAuthenticated(request, context)
            let (order, grant) = try await dv.finalize(id: try context.pathParameter("order_id"), principal: context.principal)
            context.logger.info("dv order finalized", metadata: ["order_id": .string(order.id), "grant_jti": .string(grant.jti)])
            var answer: [String: JSONValue] = [
                "status": "valid", "grant": .string(grant.token), "grant_jti": .string(grant.jti),
                "expires_at": .time(grant.expiresAt), "order_id": .string(order.id),
            ]
            if let index = grant.logIndex { answer["log_index"] = .int(index) }
            return APIResponse.json(.object(answer), headers: PublicController.noStore)
        }
    }

    /// Grant status and revoke, authenticated by a PoP proof bound to the grant's `cnf.jkt`
    /// (CONTRACT.md §4.8.4–4.8.5).
    func registerGrants(on router: Router<AppRequestContext>) {
        for path in ["/v1/badges/dv/grants/{jti}/status", "/v1/grants/{jti}/status"] {
            router.get(RouterPath(path)) { request, context in
                let grant = try await dv.grantStatus(jti: try context.pathParameter("jti"), Self.proofRequest(request, context))
                return APIResponse.json([
                    "jti": .string(grant.jti), "domain": .string(grant.domain), "status": .string(dv.grantStatusWord(grant)),
                    "expires_at": .time(grant.expiresAt), "revoked_at": .time(grant.revokedAt),
                ], headers: PublicController.noStore)
            }
        }
        router.post("/v1/badges/dv/grants/{jti}/revoke") { request, context in
            let grant = try await dv.revokeGrant(jti: try context.pathParameter("jti"), Self.proofRequest(request, context))
            context.logger.info("dv grant revoked", metadata: ["grant_jti": .string(grant.jti)])
            return APIResponse.json(["jti": .string(grant.jti), "status": "revoked", "revoked_at": .time(grant.revokedAt)])
        }
    }

    /// The Bearer proof with the method and raw path it must be bound to.
    static func proofRequest(_ request: Request, _ context: AppRequestContext) -> GrantProofRequest {
        var proof: String?
        if let authorization = request.headers[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            if parts.count == 2, parts[0].lowercased() == "bearer" { proof = parts[1].trimmingCharacters(in: .whitespaces) }
        }
        return GrantProofRequest(proof: proof, method: request.method.rawValue, path: request.uri.path, clientIP: context.clientIP)
    }

    /// Authenticates when a credential is presented (a bad one is 401); anonymous otherwise.
    private func optionallyAuthenticated(_ request: Request, _ context: AppRequestContext) async throws -> AppRequestContext {
        guard request.headers[Authenticator.registryKeyHeader] != nil || request.headers[.authorization] != nil else { return context }
        var context = context
        try await authenticator.authenticate(request, &context)
        return context
    }

    /// The order body: `domain`, `challenge_type`, `jwk` | `agent_public_key_jwk`. Private JWK
    /// members are dropped here, before anything else sees the key.
    static func orderRequest(_ body: [String: JSONValue]) throws -> DVService.OrderRequest {
        guard let domain = try? body.string("domain") else {
            throw RegistryError(.invalidDomain, "domain is required and must be a string")
        }
        guard let type = try? body.string("challenge_type") else {
            throw RegistryError(.unsupportedChallenge, "challenge_type is required: http-01 or dns-01")
        }
        guard let presented = body.first("agent_public_key_jwk", "jwk")?.value,
              let key = try? PublicJWK(json: Self.publicMembers(presented)) else {
            throw RegistryError(.invalidKey, "jwk (or agent_public_key_jwk) must be an Ed25519 public JWK: kty OKP, crv Ed25519, 32-byte x")
        }
        return DVService.OrderRequest(domain: domain, challengeType: type, key: key)
    }

    /// Only `kty`, `crv` and `x`: every other member, private ones above all, is discarded.
    static func publicMembers(_ jwk: JSONValue) -> JSONValue {
        guard let members = jwk.objectValue else { return .null }
        return .object(members.filter { ["kty", "crv", "x"].contains($0.key) })
    }

    /// The union order shape of CONTRACT.md §4.8.1–4.8.2.
    static func orderJSON(_ order: DVOrder) -> JSONValue {
        var challenge: [String: JSONValue] = [
            "type": .string(order.challengeType.rawValue), "status": .string(order.status.rawValue), "token": .string(order.token),
            "expected_content": .string(order.expectedContent),
        ]
        switch order.challengeType {
        case .http01: challenge["url"] = .string(DVChallenge.httpURL(domain: order.domain, token: order.token))
        case .dns01: challenge["record_name"] = .string(DVChallenge.recordName(domain: order.domain))
        }
        var object: [String: JSONValue] = [
            "id": .string(order.id), "order_id": .string(order.id), "domain": .string(order.domain),
            "challenge_type": .string(order.challengeType.rawValue), "status": .string(order.status.rawValue),
            "agent_key_thumbprint": .string(order.thumbprint), "challenge": .object(challenge),
            "expires_at": .time(order.expiresAt), "created_at": .time(order.createdAt),
        ]
        if let finalizedAt = order.finalizedAt { object["finalized_at"] = .time(finalizedAt) }
        if order.status == .valid, let jti = order.grantJTI { object["grant_jti"] = .string(jti) }
        return .object(object)
    }
}
