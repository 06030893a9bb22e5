/// Performs outbound GET requests under a ``FetchPolicy``; the seam callers depend on so their
/// tests can substitute a fake.
public protocol OutboundFetching: Sendable {
    /// Fetches `url`, enforcing every rule of `policy`. Never follows redirects.
    func get(_ url: String, policy: FetchPolicy) async throws(FetchError) -> FetchResponse
}
