/// Limits and switches of domain validation (CONTRACT.md §4.8, §5.3, §5.9).
public struct DVPolicy: Sendable {
    /// `CAPISCIO_DV_ACCEPT_BARE_TOKEN`: also accept the bare token as challenge content.
    public var acceptBareToken = false
    /// Outstanding (pending, unexpired) orders per domain and per client address.
    public var maxOutstandingPerDomain = 5
    public var maxOutstandingPerClient = 20
    /// Order lifetimes by challenge type.
    public var http01Lifetime: Int64 = 10 * 60
    public var dns01Lifetime: Int64 = 30 * 60
    /// Failed finalize attempts after which an order becomes `invalid`.
    public var maxFailedAttempts = 10
    /// Grant lifetime; at most 90 days.
    public var grantLifetime: Int64 = 90 * 86_400
    /// Grant status/revoke requests per client address (anti-enumeration).
    public var grantLookupRate = RateLimit.perMinute(60)
    /// `POST /v1/badges/mint` per client address, and per grant (RFC-002 §7.2: 100 badges per
    /// agent per hour; a grant stands for one agent key).
    public var mintPerClient = RateLimit.perMinute(60)
    public var mintPerGrant = RateLimit(limit: 100, windowSeconds: 3600)
    /// Clock tolerance for grant `iat` and mint proof `iat`.
    public var clockSkew: Int64 = 60

    public init() {}
}

/// The order domain rules (CONTRACT.md §4.8.1).
public enum DVDomain {
    /// Lowercases and checks `value`: ASCII host name (IDNA A-labels), at least two labels, ≤ 253
    /// characters, no scheme, port, path, wildcard, trailing dot or IP literal.
    public static func normalize(_ value: String) throws -> String {
        let domain = value.lowercased()
        let invalid = RegistryError(.invalidDomain, "domain must be a fully qualified host name such as agent.example.com (lowercase A-labels; no scheme, port, path, wildcard, trailing dot or IP address)")
        guard !domain.isEmpty, domain.utf8.count <= 253 else { throw invalid }
        let allowed = domain.utf8.allSatisfy { byte in
            (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x2E
        }
        guard allowed else { throw invalid }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { throw invalid }
        for label in labels {
            guard !label.isEmpty, label.utf8.count <= 63, !label.hasPrefix("-"), !label.hasSuffix("-") else { throw invalid }
        }
        // A numeric last label is an IPv4 literal (or reads as one), never a real TLD.
        guard let last = labels.last, !last.allSatisfy(\.isNumber) else { throw invalid }
        return domain
    }
}
