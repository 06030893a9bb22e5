/// A successful (2xx) response with its complete body.
public struct FetchResponse: Sendable {
    /// The HTTP status code, always 200–299.
    public let status: Int
    /// The `Content-Type` header as sent, parameters included.
    public let contentType: String?
    /// The body, at most the policy's `maxBodyBytes`.
    public let body: [UInt8]

    /// Creates a response; public so callers can fake ``OutboundFetching`` in their tests.
    public init(status: Int, contentType: String?, body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }
}
