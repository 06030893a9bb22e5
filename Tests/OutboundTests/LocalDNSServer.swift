import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing

/// A DNS peer on 127.0.0.1 that listens on one port over both UDP and TCP, each transport with its
/// own answer function (query bytes → what to send back). Over TCP, messages carry the two-byte
/// length prefix (RFC 1035 §4.2.2). Counts the queries each transport received.
final class LocalDNSServer: Sendable {
    /// A UDP answer (nil: none).
    typealias Answer = @Sendable (_ query: [UInt8]) -> [UInt8]?
    typealias StreamAnswer = @Sendable (_ query: [UInt8]) -> StreamReply

    enum StreamReply: Sendable {
        /// This message behind its length prefix.
        case message([UInt8])
        /// These bytes as they are (no prefix added).
        case raw([UInt8])
        /// These bytes as they are, then close.
        case rawThenClose([UInt8])
        /// Close the connection without answering.
        case close
    }

    struct Counts: Sendable {
        var udp = 0
        var tcp = 0
    }

    let port: Int
    private let channels: [any Channel]
    private let counts: NIOLockedValueBox<Counts>

    private init(port: Int, channels: [any Channel], counts: NIOLockedValueBox<Counts>) {
        self.port = port
        self.channels = channels
        self.counts = counts
    }

    var udpQueries: Int { counts.withLockedValue { $0.udp } }
    var tcpQueries: Int { counts.withLockedValue { $0.tcp } }

    static func start(udp: @escaping Answer, tcp: @escaping StreamAnswer) async throws -> LocalDNSServer {
        let counts = NIOLockedValueBox(Counts())
        let group = MultiThreadedEventLoopGroup.singleton
        // The UDP port is picked by the kernel; TCP must get the same number, which another
        // process may hold: try a few.
        for _ in 0..<20 {
            let datagram = try await DatagramBootstrap(group: group)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(DatagramResponder(answer: udp, counts: counts))
                    }
                }
                .bind(host: "127.0.0.1", port: 0).get()
            let port = try #require(datagram.localAddress?.port)
            do {
                let stream = try await ServerBootstrap(group: group)
                    .childChannelInitializer { child in
                        child.eventLoop.makeCompletedFuture {
                            try child.pipeline.syncOperations.addHandler(StreamResponder(answer: tcp, counts: counts))
                        }
                    }
                    .bind(host: "127.0.0.1", port: port).get()
                return LocalDNSServer(port: port, channels: [datagram, stream], counts: counts)
            } catch {
                try? await datagram.close()
            }
        }
        throw DNSServerError.noFreePort
    }

    func stop() async {
        for channel in channels { try? await channel.close() }
    }

    enum DNSServerError: Error { case noFreePort }

    /// An answer to `query` echoing its question, with `txt` records (each a list of
    /// character-strings) owned by the question name. `truncated` sets TC; `id` replaces the
    /// query's id; `question` replaces the echoed name; `cutAfter` drops the answer's bytes past
    /// that many (ANCOUNT still claims every record).
    static func answer(
        to query: [UInt8], txt: [[String]], truncated: Bool = false, id: UInt16? = nil, question: String? = nil, cutAfter: Int? = nil
    ) -> [UInt8]? {
        guard query.count > 12 else { return nil }
        var position = 12
        while position < query.count, query[position] != 0 { position += 1 + Int(query[position]) }
        let questionEnd = position + 5
        guard questionEnd <= query.count else { return nil }
        var echoed = Array(query[12..<questionEnd])
        if let question {
            echoed = question.split(separator: ".").flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) } + [0] + Array(query[(questionEnd - 4)..<questionEnd])
        }
        let messageID = id.map { [UInt8($0 >> 8), UInt8($0 & 0xFF)] } ?? [query[0], query[1]]
        let flags: [UInt8] = [truncated ? 0x83 : 0x81, 0x80]
        var message = messageID + flags + [0, 1, UInt8(txt.count >> 8), UInt8(txt.count & 0xFF), 0, 0, 0, 0] + echoed
        for strings in txt {
            let rdata = strings.flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) }
            message += [0xC0, 0x0C, 0, 16, 0, 1, 0, 0, 0, 30, UInt8(rdata.count >> 8), UInt8(rdata.count & 0xFF)] + rdata
        }
        if let cutAfter { message = Array(message.prefix(cutAfter)) }
        return message
    }

    private final class DatagramResponder: ChannelInboundHandler {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        typealias OutboundOut = AddressedEnvelope<ByteBuffer>
        let answer: Answer
        let counts: NIOLockedValueBox<Counts>

        init(answer: @escaping Answer, counts: NIOLockedValueBox<Counts>) {
            self.answer = answer
            self.counts = counts
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let envelope = unwrapInboundIn(data)
            counts.withLockedValue { $0.udp += 1 }
            guard let reply = answer(Array(envelope.data.readableBytesView)) else { return }
            let buffer = context.channel.allocator.buffer(bytes: reply)
            context.writeAndFlush(wrapOutboundOut(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: buffer)), promise: nil)
        }
    }

    private final class StreamResponder: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let answer: StreamAnswer
        let counts: NIOLockedValueBox<Counts>
        private var received: [UInt8] = []

        init(answer: @escaping StreamAnswer, counts: NIOLockedValueBox<Counts>) {
            self.answer = answer
            self.counts = counts
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            received += Array(unwrapInboundIn(data).readableBytesView)
            guard received.count >= 2 else { return }
            let length = Int(received[0]) << 8 | Int(received[1])
            guard received.count >= 2 + length else { return }
            let query = Array(received[2..<(2 + length)])
            received.removeFirst(2 + length)
            counts.withLockedValue { $0.tcp += 1 }
            switch answer(query) {
            case .close:
                context.close(promise: nil)
            case .raw(let bytes):
                context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
            case .rawThenClose(let bytes):
                context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)))
                    .assumeIsolated()
                    .whenComplete { _ in context.close(promise: nil) }
            case .message(let reply):
                // The length prefix and the message in two writes, so the client must reassemble.
                context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: [UInt8(reply.count >> 8)])), promise: nil)
                let rest = [UInt8(reply.count & 0xFF)] + reply
                context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: rest)), promise: nil)
            }
        }
    }
}

/// Runs `body` against a fresh ``LocalDNSServer`` and stops it on every path.
func withLocalDNSServer(
    udp: @escaping LocalDNSServer.Answer, tcp: @escaping LocalDNSServer.StreamAnswer, _ body: (LocalDNSServer) async throws -> Void
) async throws {
    let server = try await LocalDNSServer.start(udp: udp, tcp: tcp)
    do {
        try await body(server)
    } catch {
        await server.stop()
        throw error
    }
    await server.stop()
}
