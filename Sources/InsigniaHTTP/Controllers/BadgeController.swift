import BadgeCore
import HTTPTypes
import Hummingbird
import Registry

/// Badge issuance (IAL-0 and proof-of-possession IAL-1) and revocation (CONTRACT.md §4.4, §4.5,
/// §4.7.3), for agents and (IAL-0 only) MCP servers (issue #12).
struct BadgeController {
    let badges: BadgeService
    let pop: PoPService
    let authenticator: Authenticator
    let metrics: InsigniaMetrics
    let bodyLimit: Int

    /// Routes on the public router that authenticate per request: `…/badge` takes an API key for
    /// IAL-0 but is authenticated by the proof alone for IAL-1; `…/badge/pop` is always IAL-1.
    /// MCP servers' `…/badge` is IAL-0 with an API key (`servers:write`).
    func registerIssuance(on router: Router<AppRequestContext>) {
        for prefix in RegistryRoutes.servers.prefixes {
            router.post(RouterPath(prefix + "/{id}/badge")) { request, context in
                try await issue(request, try await JSONBody.object(request, limit: bodyLimit), context, kind: .mcpServer)
            }
        }
        for prefix in RegistryRoutes.agents.prefixes {
            router.post(RouterPath(prefix + "/{id}/badge")) { request, context in
                let body = try await JSONBody.object(request, limit: bodyLimit)
                if try BadgeRequestJSON.isIAL1(body) { return try await redeem(body, context) }
                return try await issue(request, body, context, kind: .agent)
            }
            router.post(RouterPath(prefix + "/{id}/badge/pop")) { request, context in
                try await redeem(try await JSONBody.object(request, limit: bodyLimit), context)
            }
        }
    }

    /// Routes that need an API key.
    func register(on group: RouterGroup<AppRequestContext>) {
        for prefix in RegistryRoutes.agents.prefixes {
            group.post(RouterPath(prefix + "/{id}/badge/challenge")) { request, context in try await challenge(request, context) }
        }
        for prefix in RegistryRoutes.servers.prefixes {
            group.post(RouterPath(prefix + "/badges/{jti}/revoke")) { request, context in
                let body = try await JSONBody.object(request, limit: bodyLimit)
                return try await revoke(jti: try context.pathParameter("jti"), body: body, context, of: .mcpServer)
            }
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

    /// IAL-0 issuance; the use case decides whether the caller is authenticated afresh (see
    /// `BadgeService.issueIAL0(_:_:authenticate:)`).
    private func issue(_ request: Request, _ body: [String: JSONValue], _ context: AppRequestContext, kind: AgentKind) async throws -> Response {
        let reference = try context.pathParameter("id")
        let input = try BadgeRequestJSON.ial0(body)
        let clientIP = context.clientIP
        let scope = kind == .agent ? Scope.badgesIssue : RegistryRoutes.servers.writeScope
        let (issued, caller) = try await badges.issueIAL0(reference, input, kind: kind) { fresh in
            let caller = try await authenticator.authenticate(request, clientIP: clientIP, keyAge: fresh ? 0 : APIKeyService.recheckedKeyAge)
            var scoped = context
            scoped.record(caller)
            return (try scoped.requirePrincipal(scope: scope), caller)
        }
        var context = context
        context.record(caller)
        context.logger.debug("badge issued", metadata: ["jti": .string(issued.claims.jti), "level": .string(issued.claims.level.rawValue)])
        metrics.badgeIssued(level: issued.claims.level.rawValue, ial: "0")
        var response = APIResponse.wrapped(
            Self.issuanceData(issued, assurance: "IAL-0"), message: "Badge issued",
            extra: ["badge": .string(issued.token), "jti": .string(issued.claims.jti), "expires_at": .time(issued.claims.exp)]
        )
        RateLimitHeaders.apply(RateLimitHeaders.tightest(issued.rateLimit, context.apiRateLimit), to: &response)
        return response
    }

    /// Phase 1 of proof of possession: a single-use challenge for the caller's agent (bare body,
    /// both field spellings, CONTRACT.md §4.5.1).
    private func challenge(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal(scope: Scope.badgesIssue)
        let body = try await JSONBody.object(request, limit: bodyLimit)
        var parameters = ChallengeRequest()
        parameters.badgeTTL = try BadgeRequestJSON.seconds(body, "badge_ttl", "ttl")
        parameters.challengeTTL = try BadgeRequestJSON.seconds(body, "challenge_ttl")
        parameters.badgeAudience = try BadgeRequestJSON.audience(body)
        let challenge = try await pop.createChallenge(principal, did: try context.pathParameter("id"), parameters, clientIP: context.clientIP)
        context.logger.debug("pop challenge created", metadata: ["challenge_id": .string(challenge.id)])
        metrics.challenge(outcome: "created")
        return APIResponse.json([
            "challenge_id": .string(challenge.id), "nonce": .string(challenge.nonce),
            "challenge_expires_at": .time(challenge.expiresAt), "expires_at": .time(challenge.expiresAt),
            "proof_aud": .string(challenge.proofAudience), "aud": .string(challenge.proofAudience),
            "htu": .string(challenge.htu), "htm": "POST",
            "badge_aud": .array(challenge.badgeAudience.map(JSONValue.string)), "badge_ttl": .int(challenge.badgeTTL),
        ], headers: PublicController.noStore)
    }

    /// Phase 2: the proof authenticates; no API key is needed (CONTRACT.md §4.5.2).
    private func redeem(_ body: [String: JSONValue], _ context: AppRequestContext) async throws -> Response {
        let issued: IssuedBadge
        do {
            issued = try await pop.redeem(
                routeDID: try context.pathParameter("id"), challengeID: try body.string("challenge_id"),
                proofJWS: try body.string("proof_jws", "proof"), clientIP: context.clientIP
            )
        } catch let error as RegistryError {
            metrics.challenge(outcome: error.code.rawValue)
            throw error
        }
        metrics.challenge(outcome: "redeemed")
        metrics.badgeIssued(level: issued.claims.level.rawValue, ial: "1")
        context.logger.debug("badge issued", metadata: ["jti": .string(issued.claims.jti), "ial": "1"])
        var response = APIResponse.wrapped(
            Self.issuanceData(issued, assurance: "IAL-1"), message: "IAL-1 badge issued",
            extra: ["badge": .string(issued.token), "jti": .string(issued.claims.jti), "expires_at": .time(issued.claims.exp)]
        )
        RateLimitHeaders.apply(issued.rateLimit, to: &response)
        return response
    }

    /// The `data` object every issuance client parses: Go client, CLI, docs and RFC spellings.
    static func issuanceData(_ issued: IssuedBadge, assurance: String) -> JSONValue {
        let claims = issued.claims
        var data: [String: JSONValue] = [
            "token": .string(issued.token), "badge": .string(issued.token), "jti": .string(claims.jti),
            "subject": .string(claims.sub), "issuer": .string(claims.iss),
            "trustLevel": .string(claims.level.rawValue), "trust_level": .string(claims.level.rawValue),
            "ial": .string(claims.ial), "assurance_level": .string(assurance),
            "issuedAt": .time(claims.iat), "issued_at": .time(claims.iat),
            "expiresAt": .time(claims.exp), "expires_at": .time(claims.exp),
        ]
        if let kid = claims.cnfKID { data["cnf"] = ["kid": .string(kid)] }
        // Its transparency log index, given in the transaction that recorded it (issue #13).
        if let index = issued.logIndex { data["log_index"] = .int(index) }
        return .object(data)
    }

    /// Revokes one of the caller's badges; through the servers' route (`of` `.mcpServer`) only a
    /// badge of an MCP server.
    private func revoke(jti: String, body: [String: JSONValue], _ context: AppRequestContext, of kind: AgentKind? = nil) async throws -> Response {
        let principal = try context.requirePrincipal(scope: kind == .mcpServer ? RegistryRoutes.servers.writeScope : Scope.badgesRevoke)
        let record = try await badges.revoke(principal, jti: jti, reason: try body.string("reason"), of: kind)
        context.logger.info("badge revoked", metadata: ["jti": .string(record.jti)])
        metrics.revocation()
        return APIResponse.json([
            "success": true, "jti": .string(record.jti), "revoked": true, "revokedAt": .time(record.revokedAt),
            "reason": .optional(record.revocationReason),
        ])
    }
}
