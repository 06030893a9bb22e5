import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Outbound
import Testing

/// A raw HTTP responder bound to 127.0.0.1 on an ephemeral port: the only peer the fetcher tests
/// ever talk to. It records every accepted connection and request head.
final class LocalServer: Sendable {
    enum Behaviour: Sendable {
        /// After the request head arrives, write these bytes verbatim and close.
        case respond(String)
        /// Accept, read, and never answer.
        case silent
        /// Write these bytes as soon as the connection opens (before any request) and close.
        case greet(String)
    }

    struct Log: Sendable {
        var connections = 0
        var requests: [String] = []
    }

    let port: Int
    private let channel: any Channel
    private let log: NIOLockedValueBox<Log>

    private init(port: Int, channel: any Channel, log: NIOLockedValueBox<Log>) {
        self.port = port
        self.channel = channel
        self.log = log
    }

    var connections: Int { log.withLockedValue { $0.connections } }
    var requests: [String] { log.withLockedValue { $0.requests } }

    static func start(_ behaviour: Behaviour) async throws -> LocalServer {
        let log = NIOLockedValueBox(Log())
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                log.withLockedValue { $0.connections += 1 }
                return child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(Responder(behaviour: behaviour, log: log))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        let port = try #require(channel.localAddress?.port)
        return LocalServer(port: port, channel: channel, log: log)
    }

    func stop() async {
        try? await channel.close()
    }

    /// A canned response: status line, headers (with `Connection: close`), body.
    static func response(_ status: String, headers: [String] = [], body: String = "") -> String {
        (["HTTP/1.1 \(status)"] + headers + ["Connection: close", "", body]).joined(separator: "\r\n")
    }

    private final class Responder: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        private let behaviour: Behaviour
        private let log: NIOLockedValueBox<Log>
        private var received = ""
        private var answered = false

        init(behaviour: Behaviour, log: NIOLockedValueBox<Log>) {
            self.behaviour = behaviour
            self.log = log
        }

        func channelActive(context: ChannelHandlerContext) {
            if case .greet(let raw) = behaviour { answer(context, raw) }
            context.fireChannelActive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            received += String(buffer: unwrapInboundIn(data))
            guard !answered, let end = received.firstRange(of: "\r\n\r\n") else { return }
            answered = true
            let head = String(received[..<end.lowerBound])
            log.withLockedValue { $0.requests.append(head) }
            guard case .respond(let raw) = behaviour else { return }
            answer(context, raw)
        }

        private func answer(_ context: ChannelHandlerContext, _ raw: String) {
            answered = true
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: raw)))
                .assumeIsolated()
                .whenComplete { _ in context.close(promise: nil) }
        }
    }
}
