import NIOConcurrencyHelpers
import NIOPosix
@testable import Outbound

/// The failure code of `body`, or `nil` if it succeeded.
func failureCode<T>(_ body: () throws -> T) -> FetchError.Code? {
    do {
        _ = try body()
        return nil
    } catch {
        return (error as? FetchError)?.code
    }
}

/// The failure of an async fetch, or `nil` if it succeeded.
func fetchFailure(_ body: () async throws -> FetchResponse) async -> FetchError? {
    do {
        _ = try await body()
        return nil
    } catch {
        return error as? FetchError
    }
}

/// Runs `body` against a fresh ``LocalServer`` and stops the server on every path.
func withLocalServer(_ behaviour: LocalServer.Behaviour, _ body: (LocalServer) async throws -> Void) async throws {
    let server = try await LocalServer.start(behaviour)
    do {
        try await body(server)
    } catch {
        await server.stop()
        throw error
    }
    await server.stop()
}

/// A ``SafeHTTPFetcher`` that cannot reach anything but loopback: names resolve only from the
/// given table (never real DNS), and a connect to any non-loopback address is refused before a
/// socket is opened. Every lookup and connect attempt is recorded.
final class SandboxedFetcher: Sendable {
    struct Record: Sendable {
        var lookups: [String] = []
        var connects: [String] = []
    }

    /// The message of the error a refused non-loopback connect produces.
    static let refusal = "sandbox refuses non-loopback connect"

    private let record = NIOLockedValueBox(Record())
    let fetcher: SafeHTTPFetcher

    init(answers: [String: [String]] = [:], resolve custom: SafeHTTPFetcher.Resolve? = nil) {
        let record = self.record
        let table = answers.mapValues { $0.compactMap { IPAddress($0) } }
        fetcher = SafeHTTPFetcher(
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
            resolve: { name in
                record.withLockedValue { $0.lookups.append(name) }
                if let custom { return try await custom(name) }
                guard let addresses = table[name] else { throw FetchError(.dnsFailed, "no such name \(name)") }
                return addresses
            },
            beforeConnect: { address, port throws(FetchError) in
                record.withLockedValue { $0.connects.append("\(address) \(port)") }
                guard address.isLoopback else { throw FetchError(.connectFailed, SandboxedFetcher.refusal) }
            }
        )
    }

    var lookups: [String] { record.withLockedValue { $0.lookups } }
    var connects: [String] { record.withLockedValue { $0.connects } }

    func get(_ url: String, policy: FetchPolicy) async throws(FetchError) -> FetchResponse {
        try await fetcher.get(url, policy: policy)
    }
}

extension FetchPolicy {
    /// Development policy for the local test server: plain http to loopback with a short fuse.
    static func local(maxBodyBytes: Int = 1024, totalTimeout: Duration = .seconds(5)) -> FetchPolicy {
        var policy = FetchPolicy.httpChallenge(allowLoopback: true)
        policy.maxBodyBytes = maxBodyBytes
        policy.totalTimeout = totalTimeout
        policy.accept = "application/json"
        return policy
    }
}
