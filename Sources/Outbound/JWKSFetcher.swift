import Registry

/// Fetches the session-token JWKS (`CLERK_JWKS_URL`, or Clerk's Backend API with `CLERK_SECRET_KEY`)
/// through the SSRF-hardened fetcher.
public struct JWKSFetcher: JWKSFetching {
    private let fetcher: any OutboundFetching
    private let policy: FetchPolicy

    public init(allowLoopback: Bool, fetcher: any OutboundFetching = SafeHTTPFetcher()) {
        self.fetcher = fetcher
        self.policy = .jwks(allowLoopback: allowLoopback)
    }

    public func fetchJWKS(_ url: String, bearerToken: String?) async throws -> [UInt8] {
        var policy = policy
        policy.authorization = bearerToken.map { "Bearer " + $0 }
        return try await fetcher.get(url, policy: policy).body
    }
}
