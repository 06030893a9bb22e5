import HTTPTypes
import Hummingbird
import Registry

/// Resolves the API key a request presents to its caller and counts the per-key rate limit.
///
/// The key comes from `X-Capiscio-Registry-Key` or, as several real clients send it,
/// `Authorization: Bearer <key>` (CONTRACT.md §2.2–2.3).
struct Authenticator: Sendable {
    static let registryKeyHeader = HTTPField.Name("X-Capiscio-Registry-Key")!

    let apiKeys: APIKeyService
    let limiter: RateLimiter
    /// Per-key limit on every authenticated route.
    let rateLimit: RateLimit

    /// Fills `principal` and `apiRateLimit` in `context`, or throws 401/429.
    func authenticate(_ request: Request, _ context: inout AppRequestContext) async throws {
        let principal: Principal
        do {
            principal = try await apiKeys.authenticate(try Self.presentedKey(request))
        } catch let error as RegistryError where error.kind == .unauthorized {
            await apiKeys.recordFailedAuthentication(clientIP: context.clientIP)
            throw error
        }
        context.principal = principal
        if let keyID = principal.apiKeyID {
            context.logger[metadataKey: "api_key_id"] = .string(keyID)
            context.apiRateLimit = try await limiter.hit("api:key:\(keyID)", rateLimit)
        }
    }

    /// The API key a request presents. The registry-key header wins when both are present; a
    /// Bearer value that is a compact JWS is a session token or badge, not an API key, and
    /// (until session auth exists) is refused.
    static func presentedKey(_ request: Request) throws -> String {
        if let key = request.headers[registryKeyHeader]?.trimmingCharacters(in: .whitespaces), !key.isEmpty {
            return key
        }
        guard let authorization = request.headers[.authorization] else { throw RegistryError.unauthorized }
        let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { throw RegistryError.unauthorized }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        guard !token.isEmpty, !token.contains(".") else { throw RegistryError.unauthorized }
        return token
    }
}

/// Authenticates every route of a group with `Authenticator`.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let authenticator: Authenticator

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        try await authenticator.authenticate(request, &context)
        var response = try await next(request, context)
        RateLimitHeaders.apply(context.apiRateLimit, to: &response)
        return response
    }
}
