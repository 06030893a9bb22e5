import HTTPTypes
import Hummingbird
import Registry

/// Authenticates API-key routes: the key comes from `X-Capiscio-Registry-Key` or, as several real
/// clients send it, `Authorization: Bearer <key>` (CONTRACT.md §2.2–2.3).
struct AuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let registryKeyHeader = HTTPField.Name("X-Capiscio-Registry-Key")!

    let apiKeys: APIKeyService

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.principal = try await apiKeys.authenticate(try Self.presentedKey(request))
        if let keyID = context.principal?.apiKeyID {
            context.logger[metadataKey: "api_key_id"] = .string(keyID)
        }
        return try await next(request, context)
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
