import Foundation
import BadgeCore
import HTTPTypes
import Hummingbird
import Registry

/// Unauthenticated routes verifiers call: JWKS, DID documents, verification, badge and agent
/// status, and the revocation feed (CONTRACT.md §4.2, §4.3.9, §4.6, §4.7).
struct PublicController {
    let badges: BadgeService
    let agents: AgentService
    /// Answers agent status for subjects of minted (anonymous DV) badges.
    let mint: MintService
    let ca: CAService
    let metrics: InsigniaMetrics
    let bodyLimit: Int

    static let publicCache: HTTPFields = [.cacheControl: "public, max-age=300"]
    static let noStore: HTTPFields = [.cacheControl: "no-store"]
    static let badgeHeader = HTTPField.Name("X-Capiscio-Badge")!

    /// JWKS on `router`; everything else on `limited`, which carries the per-address public limit.
    func register(on router: Router<AppRequestContext>, limited: RouterGroup<AppRequestContext>) {
        router.get("/.well-known/jwks.json") { _, _ in try await jwks() }
        limited.get("/agents/{id}/did.json") { _, context in try await didDocument(context, of: agents) }
        limited.get("/servers/{id}/did.json") { _, context in try await didDocument(context, of: agents.scoped(to: .mcpServer)) }
        limited.get("/v1/agents/{id}/status") { _, context in try await agentStatus(context) }
        limited.get("/v1/servers/{id}/status") { _, context in try await status(context, of: .mcpServer) }
        // Server badges live in the one ledger; the servers' path is what capiscio-mcp documents.
        for path in ["/v1/badges/{jti}/status", "/v1/servers/badges/{jti}/status"] {
            limited.get(RouterPath(path)) { _, context in try await badgeStatus(context) }
        }
        limited.get("/v1/revocations") { request, _ in try await revocations(request) }
        for path in ["/v1/validate", "/v1/badges/verify"] {
            limited.post(RouterPath(path)) { request, _ in try await validate(request) }
        }
    }

    private func jwks() async throws -> Response {
        let keys = try await ca.publishedKeys().map { $0.key.json(kid: $0.kid, alg: true, use: true) }
        return APIResponse.json(["keys": .array(keys)], headers: Self.publicCache)
    }

    /// The registry `did:web` document of an agent or server (`registry` says which).
    private func didDocument(_ context: AppRequestContext, of registry: AgentService) async throws -> Response {
        let id = try context.pathParameter("id")
        // Only the UUID form: the path mirrors did:web:<host>:<agents|servers>:<uuid>.
        guard UUIDText.isUUID(id), let document = try await registry.publicDocument(id: id.lowercased()) else {
            throw RegistryError.notFound(registry.kind)
        }
        return APIResponse.json(document.json(), contentType: "application/did+json", headers: Self.publicCache)
    }

    private func agentStatus(_ context: AppRequestContext) async throws -> Response {
        let reference = try context.pathParameter("id")
        guard let agent = try await agents.resolve(reference) else {
            // No registry agent: a subject with a live minted badge is active (CONTRACT.md §4.3.9).
            guard let subject = try await mint.liveMintedSubject(reference) else { throw RegistryError.agentNotFound }
            let id = reference.hasPrefix("did:") ? (subject.split(separator: ":").last.map(String.init) ?? reference) : reference
            return APIResponse.json(["id": .string(id), "did": .string(subject), "status": "active"], headers: Self.noStore)
        }
        return try status(agent, of: .agent)
    }

    private func status(_ context: AppRequestContext, of kind: AgentKind) async throws -> Response {
        try status(try await agents.resolve(try context.pathParameter("id")), of: kind)
    }

    /// `{"id", "did", "status", "disabledAt", "reason"}` of an agent or server; not found unless
    /// it is of `kind`.
    private func status(_ agent: Agent?, of kind: AgentKind) throws -> Response {
        guard let agent, agent.kind == kind else { throw RegistryError.notFound(kind) }
        let disabled = !agent.status.isUsable
        return APIResponse.json([
            "id": .string(agent.id), "did": .string(agent.did ?? agents.issuer.registryDID(of: agent)),
            "status": .string(agent.status.publicStatus),
            "disabledAt": disabled ? .time(agent.disabledAt) : .null, "reason": disabled ? .optional(agent.disableReason) : .null,
        ], headers: Self.noStore)
    }

    private func badgeStatus(_ context: AppRequestContext) async throws -> Response {
        guard let record = try await badges.status(jti: try context.pathParameter("jti")) else {
            throw RegistryError(.badgeNotFound, "badge not found")
        }
        var body: [String: JSONValue] = [
            "jti": .string(record.jti), "sub": .string(record.subject), "revoked": .bool(record.revokedAt != nil),
            "expiresAt": .time(record.expiresAt), "expires_at": .time(record.expiresAt),
        ]
        if let revokedAt = record.revokedAt {
            body["revokedAt"] = .time(revokedAt)
            body["reason"] = .optional(record.revocationReason)
        }
        return APIResponse.json(.object(body), headers: Self.noStore)
    }

    private func revocations(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        var since: Int64?
        if let text = query["since"].map(String.init), !text.isEmpty {
            guard let parsed = Timestamp.parse(text) else { throw RegistryError.invalidRequest("since must be an RFC 3339 time") }
            since = parsed
        }
        var limit: Int?
        if let text = query["limit"] {
            guard let value = Int(text) else { throw RegistryError.invalidRequest("limit must be an integer") }
            limit = value
        }
        let page = try await badges.revocations(since: since, cursor: query["cursor"].map(String.init), limit: limit)
        let entries: [JSONValue] = page.entries.map {
            ["jti": .string($0.jti), "revokedAt": .time($0.revokedAt), "reason": .optional($0.revocationReason)]
        }
        return APIResponse.json(
            ["revocations": .array(entries), "nextCursor": .optional(page.nextCursor), "syncedAt": .time(badges.now())],
            headers: Self.noStore
        )
    }

    private func validate(_ request: Request) async throws -> Response {
        let body = try await JSONBody.object(request, limit: bodyLimit)
        guard let token = try body.string("token", "badge") ?? Self.headerToken(request) else {
            throw RegistryError.invalidRequest("token is required (body \"token\", X-Capiscio-Badge or Authorization: Bearer)")
        }
        let audience = try body.string("audience")
        let result = await badges.verify(token, audience: audience)
        switch result {
        case .success: metrics.verification(result: "valid")
        case .failure(let error): metrics.verification(result: error.code.rawValue)
        }
        switch result {
        case .success(let claims):
            // The complete verified payload, including members BadgeClaims does not model.
            return APIResponse.wrapped(["valid": true, "claims": (try? CompactJWS.parse(token))?.payload ?? claims.json])
        case .failure(let error):
            var data: [String: JSONValue] = ["valid": false, "error": .string(error.code.rawValue), "message": .string(error.message)]
            // Claims only from a payload whose signature verified (an expired, revoked… badge of
            // ours): anything else is whatever the sender wrote, possibly partial.
            if error.signatureVerified, let jws = try? CompactJWS.parse(token) { data["claims"] = jws.payload }
            return APIResponse.wrapped(.object(data))
        }
    }

    /// A badge from `X-Capiscio-Badge` (preferred) or `Authorization: Bearer` (RFC-002 §9.1).
    static func headerToken(_ request: Request) -> String? {
        if let badge = request.headers[badgeHeader], !badge.isEmpty { return badge }
        guard let authorization = request.headers[.authorization], authorization.lowercased().hasPrefix("bearer ") else { return nil }
        let token = authorization.dropFirst(7).trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}

/// UUID syntax check for path segments.
enum UUIDText {
    static func isUUID(_ text: String) -> Bool { UUID(uuidString: text) != nil }
}
