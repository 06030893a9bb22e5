/// What one kind of outbound fetch may do (CONTRACT §8.1, §8.2).
public struct FetchPolicy: Sendable {
    /// Lowercase URL schemes, e.g. `["https"]` or `["http"]`.
    public var allowedSchemes: Set<String>
    /// Destination ports, explicit or defaulted from the scheme, e.g. `[443]` or `[80]`.
    public var allowedPorts: Set<Int>
    /// The largest accepted body; one byte more fails the fetch with ``FetchError/Code/tooLarge``.
    public var maxBodyBytes: Int
    /// Limit for establishing the TCP connection (per address tried).
    public var connectTimeout: Duration
    /// Limit for the whole fetch: DNS, connect, TLS, request and response.
    public var totalTimeout: Duration
    /// The `Accept` header to send, if any.
    public var accept: String?
    /// Development only (the server refuses it in production): additionally allow plain http to
    /// loopback addresses (127.0.0.0/8, ::1, "localhost") on any port. Every other address stays blocked.
    public var allowLoopbackForDevelopment: Bool
    /// The `Host` header to send instead of the URL's authority: the development HTTP-01 stand-in
    /// fetches from 127.0.0.1 but asks for the domain, as the real request would.
    public var hostHeader: String?
    /// An `Authorization` header value to send (a secret: never logged).
    public var authorization: String?

    /// Creates a policy; prefer the named factories.
    public init(
        allowedSchemes: Set<String>,
        allowedPorts: Set<Int>,
        maxBodyBytes: Int,
        connectTimeout: Duration,
        totalTimeout: Duration,
        accept: String?,
        allowLoopbackForDevelopment: Bool
    ) {
        self.allowedSchemes = allowedSchemes
        self.allowedPorts = allowedPorts
        self.maxBodyBytes = maxBodyBytes
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.accept = accept
        self.allowLoopbackForDevelopment = allowLoopbackForDevelopment
    }

    /// `did:web` documents (CONTRACT §8.2): https on 443, ≤ 64 KiB, 5 s connect, 10 s total.
    public static func didDocument(allowLoopback: Bool) -> FetchPolicy {
        FetchPolicy(
            allowedSchemes: ["https"],
            allowedPorts: [443],
            maxBodyBytes: 64 * 1024,
            connectTimeout: .seconds(5),
            totalTimeout: .seconds(10),
            accept: "application/did+json, application/json",
            allowLoopbackForDevelopment: allowLoopback
        )
    }

    /// Session-token key sets (the Clerk JWKS): https on 443, ≤ 256 KiB, 5 s connect, 10 s total.
    public static func jwks(allowLoopback: Bool) -> FetchPolicy {
        FetchPolicy(
            allowedSchemes: ["https"],
            allowedPorts: [443],
            maxBodyBytes: 256 * 1024,
            connectTimeout: .seconds(5),
            totalTimeout: .seconds(10),
            accept: "application/json, application/jwk-set+json",
            allowLoopbackForDevelopment: allowLoopback
        )
    }

    /// HTTP-01 challenge files (CONTRACT §8.1): http on 80, ≤ 1 KiB, 10 s connect, 30 s total.
    public static func httpChallenge(allowLoopback: Bool, hostHeader: String? = nil) -> FetchPolicy {
        var policy = FetchPolicy(
            allowedSchemes: ["http"],
            allowedPorts: [80],
            maxBodyBytes: 1024,
            connectTimeout: .seconds(10),
            totalTimeout: .seconds(30),
            accept: nil,
            allowLoopbackForDevelopment: allowLoopback
        )
        policy.hostHeader = hostHeader
        return policy
    }
}
