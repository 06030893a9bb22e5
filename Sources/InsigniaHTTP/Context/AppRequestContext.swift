import Hummingbird
import NIOCore
import Registry

/// Per-request state: Hummingbird's core context plus who is calling.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `AuthMiddleware` on authenticated routes.
    public var principal: Principal?
    /// The caller's standing against the per-key API limit, set by `AuthMiddleware`.
    public var apiRateLimit: RateLimitStatus?
    /// Peer address, for rate limits and audit.
    public let remoteAddress: SocketAddress?
    /// The client behind a trusted proxy (`TRUSTED_PROXIES`, `X-Forwarded-For`), when there is one.
    public var forwardedClientIP: String?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    /// Bodies are read by `JSONBody`, which enforces the configured limit itself.
    public var maxUploadSize: Int { 1 << 20 }

    /// The client's IP address as text, for audit records and per-address limits: the peer's, or
    /// the forwarded one when the peer is a trusted proxy.
    public var clientIP: String? { forwardedClientIP ?? remoteAddress?.ipAddress }

    /// The authenticated caller; throws `unauthorized` on a route the middleware did not cover.
    public func requirePrincipal(scope: String? = nil) throws -> Principal {
        guard let principal else { throw RegistryError.unauthorized }
        if let scope, !principal.allows(scope) {
            if principal.userID != nil {
                throw RegistryError(.insufficientRole, "this needs the organisation admin role")
            }
            throw RegistryError(.insufficientScope, "this API key lacks the '\(scope)' scope")
        }
        return principal
    }
}
