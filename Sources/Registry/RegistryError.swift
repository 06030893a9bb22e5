/// The one error type of the registry's use cases.
///
/// Use cases and stores throw this; the HTTP layer turns `kind` into a status and sends `code` and
/// `message` as the JSON error body. Nothing below the web edge knows about HTTP.
public struct RegistryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Broad class of failure; decides the HTTP status at the edge.
    public enum Kind: Sendable, Equatable {
        case invalidInput
        case unauthorized
        case forbidden
        case notFound
        case conflict
        case tooLarge
        case rateLimited(RateLimitStatus)
        /// An upstream this server depends on (a DID document host) failed.
        case badGateway
        case unavailable
        case `internal`
    }

    public let kind: Kind
    /// Machine-readable code sent on the wire, e.g. `agent_not_found`.
    public let code: String
    /// Human-readable explanation. Never contains secrets.
    public let message: String

    public init(_ kind: Kind, _ code: String, _ message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    public static func invalidRequest(_ message: String) -> RegistryError {
        RegistryError(.invalidInput, "invalid_request", message)
    }
    public static let unauthorized = RegistryError(.unauthorized, "unauthorized", "missing or invalid API key")
    public static let agentNotFound = RegistryError(.notFound, "agent_not_found", "agent not found")
    public static func notFound(_ what: String) -> RegistryError {
        RegistryError(.notFound, "not_found", "\(what) not found")
    }
}
