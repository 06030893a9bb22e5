import Registry

/// Performs domain-validation challenges (CONTRACT §5.9, §8.1, §8.3): HTTP-01 through the
/// SSRF-hardened fetcher, DNS-01 through ``DNSClient``. The only code that reaches the network
/// for domain validation.
public struct DomainValidator: DomainValidating {
    let fetcher: any OutboundFetching
    let dns: DNSClient?
    let acceptBareToken: Bool
    let allowLoopback: Bool
    /// Development only (needs `allowLoopback`): fetch HTTP-01 files from 127.0.0.1 on this port
    /// instead of from the domain on port 80, so a local web server can answer them.
    let developmentHTTPPort: Int?

    public init(
        fetcher: any OutboundFetching = SafeHTTPFetcher(), dns: DNSClient?, acceptBareToken: Bool, allowLoopback: Bool,
        developmentHTTPPort: Int? = nil
    ) {
        self.fetcher = fetcher
        self.dns = dns
        self.acceptBareToken = acceptBareToken
        self.allowLoopback = allowLoopback
        self.developmentHTTPPort = allowLoopback ? developmentHTTPPort : nil
    }

    public func check(_ challenge: DVChallenge) async -> DVCheckResult {
        switch challenge.type {
        case .http01: await checkHTTP(challenge)
        case .dns01: await checkDNS(challenge)
        }
    }

    /// The URL actually fetched: the RFC URL, or its loopback stand-in in development.
    func fetchURL(_ challenge: DVChallenge) -> String {
        guard let port = developmentHTTPPort else { return challenge.target }
        return "http://127.0.0.1:\(port)/.well-known/capiscio-challenge/\(challenge.token)"
    }

    private func checkHTTP(_ challenge: DVChallenge) async -> DVCheckResult {
        let url = fetchURL(challenge)
        let response: FetchResponse
        do {
            // The development stand-in connects to 127.0.0.1 but sends `Host: <domain>`, as the real
            // request to the domain on port 80 does.
            let host = developmentHTTPPort == nil ? nil : challenge.domain
            response = try await fetcher.get(url, policy: .httpChallenge(allowLoopback: allowLoopback, hostHeader: host))
        } catch {
            return DVCheckResult(passed: false, target: url, detail: "fetching \(challenge.target) failed (\(error.code.rawValue))")
        }
        guard let body = String(validating: response.body, as: UTF8.self),
              DVContent.matches(body, challenge: challenge, acceptBareToken: acceptBareToken, trimNewline: true) else {
            return DVCheckResult(passed: false, target: url, detail: "the file at \(challenge.target) does not contain <token>.<thumbprint>")
        }
        return DVCheckResult(passed: true, target: url, detail: "ok")
    }

    private func checkDNS(_ challenge: DVChallenge) async -> DVCheckResult {
        let name = challenge.target
        guard let dns else { return DVCheckResult(passed: false, target: name, detail: "no DNS resolver is configured") }
        let values: [String]
        do {
            values = try await dns.txt(name)
        } catch {
            return DVCheckResult(passed: false, target: name, detail: "TXT lookup of \(name) failed: \(error.message)")
        }
        guard values.contains(where: { DVContent.matches($0, challenge: challenge, acceptBareToken: acceptBareToken, trimNewline: false) }) else {
            return DVCheckResult(
                passed: false, target: name,
                detail: values.isEmpty ? "no TXT record at \(name)" : "no TXT record at \(name) equals <token>.<thumbprint>"
            )
        }
        return DVCheckResult(passed: true, target: name, detail: "ok")
    }
}
