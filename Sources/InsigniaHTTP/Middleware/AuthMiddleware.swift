import HTTPTypes
import Hummingbird
import Registry

/// Dashboard session tokens (Clerk): verification and the mapping of a user to an organisation.
struct SessionAuthentication: Sendable {
    let verifier: SessionTokenVerifier
    let identities: IdentityService
}

/// Resolves the credential a request presents — an API key or, when configured, a dashboard
/// session token — to its caller, and counts the per-caller rate limit.
///
/// The key comes from `X-Capiscio-Registry-Key` or, as several real clients send it,
/// `Authorization: Bearer <key>`; a Bearer value that is a compact JWS is a session token
/// (CONTRACT.md §2.2–2.3).
struct Authenticator: Sendable {
    static let registryKeyHeader = HTTPField.Name("X-Capiscio-Registry-Key")!

    /// What a request presents.
    enum Credential: Equatable {
        case apiKey(String)
        case sessionToken(String)
    }

    let apiKeys: APIKeyService
    let limiter: RateLimiter
    /// Per-key (or per-user) limit on every authenticated route.
    let rateLimit: RateLimit
    /// Nil when no Clerk key source is configured: JWT-shaped Bearer values are refused.
    var sessions: SessionAuthentication? = nil

    /// An authenticated caller and its per-caller rate-limit count.
    struct Authenticated: Sendable {
        let principal: Principal
        let apiRateLimit: RateLimitStatus?
    }

    /// Resolves the request's credential, or throws 401/429. `keyAge`: see
    /// `APIKeyService.authenticate(_:maxAge:)` (0: a fresh read).
    func authenticate(_ request: Request, clientIP: String?, keyAge: Int64 = 0) async throws -> Authenticated {
        let principal: Principal
        do {
            switch try Self.presentedCredential(request) {
            case .apiKey(let key):
                principal = try await apiKeys.authenticate(key, maxAge: keyAge)
            case .sessionToken(let token):
                guard let sessions else { throw RegistryError.unauthorized }
                principal = try await sessions.identities.principal(for: try await sessions.verifier.verify(token))
            }
        } catch let error as RegistryError where error.category == .unauthorized {
            await apiKeys.recordFailedAuthentication(clientIP: clientIP)
            throw error
        }
        var rate: RateLimitStatus?
        if let keyID = principal.apiKeyID {
            rate = try await limiter.hit("api:key:\(keyID)", rateLimit)
        } else if let userID = principal.userID {
            rate = try await limiter.hit("api:user:\(userID)", rateLimit)
        }
        return Authenticated(principal: principal, apiRateLimit: rate)
    }

    /// Fills `principal` and `apiRateLimit` in `context`, or throws 401/429.
    func authenticate(_ request: Request, _ context: inout AppRequestContext, keyAge: Int64 = 0) async throws {
        context.record(try await authenticate(request, clientIP: context.clientIP, keyAge: keyAge))
    }

    /// The credential a request presents. The registry-key header wins when both are present; a
    /// Bearer value without a `.` is an API key, one with dots a session token.
    static func presentedCredential(_ request: Request) throws -> Credential {
        if let key = request.headers[registryKeyHeader]?.trimmingCharacters(in: .whitespaces), !key.isEmpty {
            return .apiKey(key)
        }
        guard let authorization = request.headers[.authorization] else { throw RegistryError.unauthorized }
        let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { throw RegistryError.unauthorized }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        guard !token.isEmpty else { throw RegistryError.unauthorized }
        return token.contains(".") ? .sessionToken(token) : .apiKey(token)
    }
}

/// Authenticates every route of a group with `Authenticator`.
extension AppRequestContext {
    /// Makes `authenticated` the request's caller (and names it in the request's log lines).
    mutating func record(_ authenticated: Authenticator.Authenticated) {
        principal = authenticated.principal
        apiRateLimit = authenticated.apiRateLimit
        if let keyID = authenticated.principal.apiKeyID {
            logger[metadataKey: "api_key_id"] = .string(keyID)
        } else if let userID = authenticated.principal.userID {
            logger[metadataKey: "user_id"] = .string(userID)
        }
    }
}

struct AuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let authenticator: Authenticator
    /// How old a key read may be (`APIKeyService.authenticate(_:maxAge:)`); 0, a fresh read, for
    /// every group but the policy bundle's.
    var keyAge: Int64 = 0

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        try await authenticator.authenticate(request, &context, keyAge: keyAge)
        var response = try await next(request, context)
        RateLimitHeaders.apply(context.apiRateLimit, to: &response)
        return response
    }
}
