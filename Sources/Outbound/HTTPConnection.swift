import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// One TCP (optionally TLS) connection carrying a single GET whose response a
/// ``ResponseCollector`` is gathering.
struct HTTPConnection {
    private let channel: any Channel
    private let result: EventLoopFuture<FetchResponse>

    /// Connects to the already-checked `address` (never to a name, so DNS is not consulted again)
    /// within the connect timeout and the overall deadline, and starts the request.
    static func open(
        to address: IPAddress,
        url: FetchURL,
        tls: NIOSSLContext?,
        request: HTTPRequestHead,
        policy: FetchPolicy,
        deadline: NIODeadline,
        group: any EventLoopGroup
    ) async throws(FetchError) -> HTTPConnection {
        let remaining = deadline - .now()
        guard remaining > .zero else { throw FetchError(.timeout, "deadline passed before connecting") }
        let socketAddress: SocketAddress
        do {
            socketAddress = try SocketAddress(ipAddress: address.description, port: url.port)
        } catch {
            throw FetchError(.connectFailed, "cannot use address \(address): \(error)")
        }
        // SNI and the certificate name check use the DNS name. SNI cannot carry an IP literal;
        // those only occur for development loopback URLs, which then get chain checks only.
        let serverHostname = url.hostAddress == nil ? url.host : nil

        let loop = group.next()
        let promise = loop.makePromise(of: FetchResponse.self)
        let maxBodyBytes = policy.maxBodyBytes
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(min(TimeAmount(policy.connectTimeout), remaining))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let tls {
                        try pipeline.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverHostname))
                    }
                    try pipeline.addHTTPClientHandlers()
                    try pipeline.addHandler(
                        ResponseCollector(request: request, maxBodyBytes: maxBodyBytes, deadline: deadline, promise: promise)
                    )
                }
            }
        do {
            let channel = try await bootstrap.connect(to: socketAddress).get()
            return HTTPConnection(channel: channel, result: promise.futureResult)
        } catch {
            let failure = connectError(error, address: address, port: url.port)
            promise.fail(failure)
            throw failure
        }
    }

    /// Waits for the collected response, then closes the connection whatever the outcome.
    func response() async throws(FetchError) -> FetchResponse {
        defer { channel.close(promise: nil) }
        do {
            return try await result.get()
        } catch let error as FetchError {
            throw error
        } catch {
            throw FetchError(.connectFailed, "connection error: \(error)")
        }
    }

    private static func connectError(_ error: any Error, address: IPAddress, port: Int) -> FetchError {
        if let error = error as? ChannelError, case .connectTimeout = error {
            return FetchError(.timeout, "connecting to \(address) port \(port) timed out")
        }
        return FetchError(.connectFailed, "cannot connect to \(address) port \(port): \(error)")
    }
}
