import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// The server's only outbound HTTP client, hardened against SSRF (CONTRACT §8, RFC-002 §7.3.7,
/// §8.4, RFC-003 §9.7).
///
/// For each request it parses the URL itself, applies the policy's scheme, port and host rules,
/// resolves the name once, refuses the whole answer if any address is blocked, connects to a
/// checked address (DNS pinning: never re-resolved), verifies TLS against the DNS name, never
/// follows redirects, caps the body and enforces connect and total timeouts.
public struct SafeHTTPFetcher: OutboundFetching {
    /// Resolves a DNS name to all of its addresses.
    package typealias Resolve = @Sendable (String) async throws -> [IPAddress]
    /// Called with each checked address and port right before connecting; throwing aborts the fetch.
    package typealias BeforeConnect = @Sendable (IPAddress, Int) throws(FetchError) -> Void

    private let group: any EventLoopGroup
    private let resolve: Resolve
    private let beforeConnect: BeforeConnect

    /// Creates a fetcher using the system resolver on `NIOThreadPool.singleton`.
    public init(eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.init(
            eventLoopGroup: eventLoopGroup,
            resolve: SystemResolver.resolver(pool: .singleton, group: eventLoopGroup),
            beforeConnect: { _, _ in }
        )
    }

    /// Test seam: a fake resolver and a connect observer let tests cover DNS answers without
    /// touching any network but loopback.
    package init(eventLoopGroup: any EventLoopGroup, resolve: @escaping Resolve, beforeConnect: @escaping BeforeConnect) {
        self.group = eventLoopGroup
        self.resolve = resolve
        self.beforeConnect = beforeConnect
    }

    public func get(_ url: String, policy: FetchPolicy) async throws(FetchError) -> FetchResponse {
        let deadline = NIODeadline.now() + TimeAmount(policy.totalTimeout)
        let url = try FetchURL(parsing: url)
        let addresses: [IPAddress]
        switch try policy.admit(url) {
        case .loopback(let pinned):
            addresses = pinned
        case .resolve(let name):
            addresses = try await resolveChecked(name, policy: policy, deadline: deadline)
        }
        let tls = url.scheme == "https" ? try Self.makeTLSContext() : nil
        let request = Self.requestHead(url: url, policy: policy)
        var lastError = FetchError(.connectFailed, "no address to connect to")
        // Addresses are tried in resolver order (an unreachable IPv6 answer must not sink the
        // fetch); every one of them has passed the filter.
        for address in addresses {
            try beforeConnect(address, url.port)
            let connection: HTTPConnection
            do throws(FetchError) {
                connection = try await HTTPConnection.open(
                    to: address, url: url, tls: tls, request: request, policy: policy, deadline: deadline, group: group
                )
            } catch {
                lastError = error
                continue
            }
            return try await connection.response()
        }
        throw lastError
    }

    /// Resolves `name` once and fails unless every answer passes ``IPClassifier``: a mixed
    /// public/private answer is how DNS rebinding slips through (RFC-003 §9.7).
    private func resolveChecked(_ name: String, policy: FetchPolicy, deadline: NIODeadline) async throws(FetchError) -> [IPAddress] {
        let addresses: [IPAddress]
        do {
            addresses = try await resolveBefore(deadline, name)
        } catch let error as FetchError {
            throw error
        } catch {
            throw FetchError(.dnsFailed, "cannot resolve \(name): \(error)")
        }
        guard !addresses.isEmpty else { throw FetchError(.dnsFailed, "no addresses for \(name)") }
        for address in addresses {
            if policy.allowLoopbackForDevelopment && address.isLoopback { continue }
            if case .blocked(let reason) = IPClassifier.classify(address) {
                throw FetchError(.addressBlocked, "\(name) resolves to \(address), which is blocked (\(reason))")
            }
        }
        return addresses
    }

    /// Runs the resolver but gives up with ``FetchError/Code/timeout`` at `deadline`; the
    /// resolver is then cancelled and returns promptly (see ``SystemResolver``).
    private func resolveBefore(_ deadline: NIODeadline, _ name: String) async throws -> [IPAddress] {
        let resolve = self.resolve
        let remaining = Duration(deadline - .now())
        return try await withThrowingTaskGroup(of: [IPAddress]?.self) { group in
            group.addTask { try await resolve(name) }
            group.addTask {
                try await Task.sleep(for: remaining)
                return nil
            }
            defer { group.cancelAll() }
            guard let addresses = try await group.next() ?? nil else {
                throw FetchError(.timeout, "DNS resolution of \(name) did not finish before the deadline")
            }
            return addresses
        }
    }

    private static func requestHead(url: FetchURL, policy: FetchPolicy) -> HTTPRequestHead {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: policy.hostHeader ?? url.hostHeader)
        headers.add(name: "User-Agent", value: "insignia")
        if let accept = policy.accept { headers.add(name: "Accept", value: accept) }
        if let authorization = policy.authorization { headers.add(name: "Authorization", value: authorization) }
        headers.add(name: "Connection", value: "close")
        return HTTPRequestHead(version: .http1_1, method: .GET, uri: url.target, headers: headers)
    }

    /// Full chain and hostname verification against the system trust roots. Built per request:
    /// outbound fetches are rare and cached by callers, so loading the roots each time is cheap
    /// enough and keeps `init` infallible.
    private static func makeTLSContext() throws(FetchError) -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw FetchError(.tlsFailed, "cannot create TLS context: \(error)")
        }
    }
}
