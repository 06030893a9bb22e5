/// Why an outbound fetch failed. `message` is for logs and may name hosts and addresses; the
/// `code` is what callers map to their own errors.
public struct FetchError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The failure class.
    public enum Code: String, Sendable {
        case invalidURL, schemeNotAllowed, portNotAllowed, hostNotAllowed, dnsFailed, addressBlocked
        case connectFailed, tlsFailed, timeout, redirect, httpStatus, tooLarge, malformedResponse
    }

    public let code: Code
    public let message: String

    /// Creates an error; public so callers can fake ``OutboundFetching`` in their tests.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
