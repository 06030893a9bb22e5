/// The one error type of the registry's use cases.
///
/// Use cases and stores throw this; the HTTP layer turns `category` into a status and sends `code`
/// and `message` as the JSON error body. Nothing below the web edge knows about HTTP.
public struct RegistryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Broad class of failure; decides the HTTP status at the edge.
    public enum Category: Sendable, Equatable {
        case invalidInput
        case unauthorized
        case forbidden
        case notFound
        case conflict
        /// A known path asked with a method it does not take (405).
        case methodNotAllowed
        case tooLarge
        /// A request body in a format the route does not take (415).
        case unsupportedMediaType
        case rateLimited
        /// An upstream this server depends on (a DID document host) failed.
        case badGateway
        case unavailable
        /// The client went away before its request was read; nobody receives the answer (499).
        case clientAborted
        case `internal`
    }

    /// Machine-readable code sent on the wire, from the one catalogue.
    public let code: ErrorCode
    /// Human-readable explanation. Never contains secrets.
    public let message: String
    /// For rate-limit refusals: the counter behind the `Retry-After` and `X-RateLimit-*` headers.
    public let rateLimit: RateLimitStatus?

    public init(_ code: ErrorCode, _ message: String, rateLimit: RateLimitStatus? = nil) {
        self.code = code
        self.message = message
        self.rateLimit = rateLimit
    }

    public var category: Category { code.category }

    public var description: String { "\(code.rawValue): \(message)" }

    public static func invalidRequest(_ message: String) -> RegistryError {
        RegistryError(.invalidRequest, message)
    }
    public static let unauthorized = RegistryError(.unauthorized, "missing or invalid API key")
    public static let agentNotFound = RegistryError(.agentNotFound, "agent not found")
    public static let serverNotFound = RegistryError(.serverNotFound, "MCP server not found")
    /// The not-found error for an identity of `kind`.
    public static func notFound(_ kind: AgentKind) -> RegistryError {
        kind == .agent ? agentNotFound : serverNotFound
    }
    public static func notFound(_ what: String) -> RegistryError {
        RegistryError(.notFound, "\(what) not found")
    }
}
