import BadgeCore
import Hummingbird
import Registry

/// Authenticated badge routes: IAL-0 issuance and revocation (CONTRACT.md §4.4, §4.7.3).
struct BadgeController {
    let badges: BadgeService
    let bodyLimit: Int

    func register(on group: RouterGroup<AppRequestContext>) {
        for prefix in AgentController.prefixes {
            group.post(RouterPath(prefix + "/{id}/badge")) { request, context in try await issue(request, context) }
        }
        group.post("/v1/badges/revoke") { request, context in
            let body = try await JSONBody.object(request, limit: bodyLimit)
            guard let jti = try body.string("jti") else { throw RegistryError.invalidRequest("jti is required") }
            return try await revoke(jti: jti, body: body, context)
        }
        group.post("/v1/badges/{jti}/revoke") { request, context in
            try await revoke(jti: try context.pathParameter("jti"), body: try await JSONBody.object(request, limit: bodyLimit), context)
        }
    }

    private func issue(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal(scope: Scope.badgesIssue)
        let body = try await JSONBody.object(request, limit: bodyLimit)
        if BadgeRequestJSON.isIAL1(body) {
            throw RegistryError(.invalidInput, "unsupported_mode", "IAL-1 (proof-of-possession) issuance is not available on this server yet")
        }
        let issued = try await badges.issueIAL0(principal, try context.pathParameter("id"), try BadgeRequestJSON.ial0(body))
        context.logger.info("badge issued", metadata: ["jti": .string(issued.claims.jti), "level": .string(issued.claims.level.rawValue)])
        var response = APIResponse.wrapped(
            Self.issuanceData(issued, assurance: "IAL-0"), message: "Badge issued",
            extra: ["badge": .string(issued.token), "jti": .string(issued.claims.jti), "expires_at": .time(issued.claims.exp)]
        )
        RateLimitHeaders.apply(RateLimitHeaders.tightest(issued.rateLimit, context.apiRateLimit), to: &response)
        return response
    }

    /// The `data` object every issuance client parses: Go client, CLI, docs and RFC spellings.
    static func issuanceData(_ issued: IssuedBadge, assurance: String) -> JSONValue {
        let claims = issued.claims
        return [
            "token": .string(issued.token), "badge": .string(issued.token), "jti": .string(claims.jti),
            "subject": .string(claims.sub), "issuer": .string(claims.iss),
            "trustLevel": .string(claims.level.rawValue), "trust_level": .string(claims.level.rawValue),
            "ial": .string(claims.ial), "assurance_level": .string(assurance),
            "issuedAt": .time(claims.iat), "issued_at": .time(claims.iat),
            "expiresAt": .time(claims.exp), "expires_at": .time(claims.exp),
        ]
    }

    private func revoke(jti: String, body: [String: JSONValue], _ context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal(scope: Scope.badgesRevoke)
        let record = try await badges.revoke(principal, jti: jti, reason: try body.string("reason"))
        context.logger.info("badge revoked", metadata: ["jti": .string(record.jti)])
        return APIResponse.json([
            "success": true, "jti": .string(record.jti), "revoked": true, "revokedAt": .time(record.revokedAt),
            "reason": .optional(record.revocationReason),
        ])
    }
}
