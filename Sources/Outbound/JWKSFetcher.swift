import Registry

/// Fetches the session-token JWKS (`CLERK_JWKS_URL`) through the SSRF-hardened fetcher.
public struct JWKSFetcher: JWKSFetching {
    private let fetcher: any OutboundFetching
    private let policy: FetchPolicy

    public init(allowLoopback: Bool, fetcher: any OutboundFetching = SafeHTTPFetcher()) {
        self.fetcher = fetcher
        self.policy = .jwks(allowLoopback: allowLoopback)
    }

    public func fetchJWKS(_ url: String) async throws -> [UInt8] {
        try await fetcher.get(url, policy: policy).body
    }
}
