/// Where a URL that passed the policy's scheme, port and host rules may be fetched from.
enum Destination: Equatable {
    /// A public DNS name: resolve it once, check every address, connect to a checked one.
    case resolve(String)
    /// Development only: loopback addresses taken from the URL itself, never from DNS.
    case loopback([IPAddress])
}

extension FetchPolicy {
    /// Applies the scheme, port and host rules (CONTRACT §8.1, §8.2) before any I/O happens.
    func admit(_ url: FetchURL) throws(FetchError) -> Destination {
        if allowLoopbackForDevelopment, let loopback = Self.loopbackAddresses(of: url) {
            // Local development servers run on arbitrary ports and often without TLS.
            guard url.scheme == "http" || url.scheme == "https" else {
                throw FetchError(.schemeNotAllowed, "scheme \(url.scheme) is not allowed")
            }
            return .loopback(loopback)
        }
        guard allowedSchemes.contains(url.scheme) else {
            throw FetchError(.schemeNotAllowed, "scheme \(url.scheme) is not allowed")
        }
        guard allowedPorts.contains(url.port) else {
            throw FetchError(.portNotAllowed, "port \(url.port) is not allowed")
        }
        // RFC-003 §9.7: the host must be a domain name, so that DNS answers can be checked.
        guard url.hostAddress == nil else {
            throw FetchError(.hostNotAllowed, "IP address hosts are not allowed: \(url.host)")
        }
        if let problem = Self.dnsNameProblem(url.host) {
            throw FetchError(.hostNotAllowed, "host \(url.host) is not allowed: \(problem)")
        }
        return .resolve(url.host)
    }

    /// The loopback addresses a development URL points at, or `nil` if its host is not loopback.
    private static func loopbackAddresses(of url: FetchURL) -> [IPAddress]? {
        if url.host == "localhost" {
            // RFC 6761 §6.3: "localhost" is loopback by definition; no resolver is consulted.
            return [.loopbackIPv4, .loopbackIPv6]
        }
        guard let address = url.hostAddress, address.isLoopback else { return nil }
        return [address]
    }

    /// Names that are private by construction (Go resolver blocklist plus special-use suffixes).
    private static let blockedNames: Set<String> = ["localhost", "metadata.google.internal"]
    private static let blockedSuffixes = [".localhost", ".internal", ".local"]

    /// Why `host` (lowercase, letters/digits/dots/hyphens) is not an acceptable public DNS name.
    private static func dnsNameProblem(_ host: String) -> String? {
        if blockedNames.contains(host) || blockedSuffixes.contains(where: host.hasSuffix) {
            return "reserved for local use"
        }
        guard host.utf8.count <= 253 else { return "name too long" }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        // Single-label names are completed with search domains, i.e. resolved inside our network.
        guard labels.count >= 2 else { return "not a fully qualified domain name" }
        for label in labels {
            guard !label.isEmpty, label.utf8.count <= 63 else { return "malformed label" }
            guard !label.hasPrefix("-"), !label.hasSuffix("-") else { return "malformed label" }
        }
        // A numeric last label makes inet_aton-style resolvers read the name as an IPv4 address
        // (`127.1`, `0x7f.1`); no real top-level domain is numeric.
        let last = labels[labels.count - 1]
        if last.allSatisfy(\.isNumber) || (last.hasPrefix("0x") && last.dropFirst(2).allSatisfy(\.isHexDigit)) {
            return "looks like a numeric address"
        }
        return nil
    }
}

extension IPAddress {
    static let loopbackIPv4 = IPAddress(bytes: [127, 0, 0, 1])!
    static let loopbackIPv6 = IPAddress(bytes: [UInt8](repeating: 0, count: 15) + [1])!

    /// `127.0.0.0/8` or `::1`: the only addresses the development switch unblocks.
    var isLoopback: Bool { isIPv4 ? bytes[0] == 127 : self == .loopbackIPv6 }
}
