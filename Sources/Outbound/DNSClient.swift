import Foundation
import NIOCore
import NIOPosix

/// A minimal stub resolver: sends one TXT query over UDP to a configured recursive resolver and
/// reads the answer, asking again over TCP when the UDP answer is truncated (CONTRACT §8.3). The resolver address comes from configuration only
/// (`DNS_RESOLVER`, else the first `nameserver` of /etc/resolv.conf), never from a request.
public struct DNSClient: Sendable {
    /// `host:port` of the recursive resolver (an IP literal).
    public let resolver: IPAddress
    public let port: Int
    public let timeout: Duration
    private let group: any EventLoopGroup

    public init(resolver: IPAddress, port: Int = 53, timeout: Duration = .seconds(5), eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.resolver = resolver
        self.port = port
        self.timeout = timeout
        self.group = eventLoopGroup
    }

    /// Parses `host:port`, `[v6]:port`, or a bare address (port 53).
    public static func parseResolver(_ text: String) -> (IPAddress, Int)? {
        var host = text
        var port = 53
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let p = Int(rest.dropFirst()), (1...65535).contains(p) else { return nil }
                port = p
            }
        } else if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") {
            host = String(text[..<colon])
            guard let p = Int(text[text.index(after: colon)...]), (1...65535).contains(p) else { return nil }
            port = p
        }
        guard let address = IPAddress(host) else { return nil }
        return (address, port)
    }

    /// The first `nameserver` of a resolv.conf text.
    public static func systemResolver(resolvConf: String) -> IPAddress? {
        for line in resolvConf.split(whereSeparator: \.isNewline) {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if fields.count >= 2, fields[0] == "nameserver", let address = IPAddress(String(fields[1].split(separator: "%")[0])) {
                return address
            }
        }
        return nil
    }

    /// TXT values at `name`, following CNAMEs (at most 8 hops). An empty array means no such record.
    public func txt(_ name: String) async throws(DNSMessage.Failure) -> [String] {
        var current = name.lowercased()
        var seen: Set<String> = []
        for _ in 0..<8 {
            guard seen.insert(current).inserted else { throw DNSMessage.Failure("CNAME loop at \(current)") }
            let response = try await exchange(current, type: DNSMessage.typeTXT)
            guard response.rcode == 0 || response.rcode == 3 else {
                throw DNSMessage.Failure("resolver answered with rcode \(response.rcode)")
            }
            guard response.rcode == 0 else { return [] }
            let (values, finalName) = DNSMessage.txtValues(response, for: current)
            if !values.isEmpty || finalName == current { return values }
            current = finalName
        }
        throw DNSMessage.Failure("too many CNAME hops")
    }

    /// One query and its answer, with a fresh random id and source port; answers from any other
    /// address or with another id are ignored until the timeout. When the UDP answer is truncated
    /// (TC bit), the same query is asked again over TCP to the same resolver (RFC 1035 §4.2.2,
    /// RFC 7766 §5) and that answer is returned.
    func exchange(_ name: String, type: UInt16) async throws(DNSMessage.Failure) -> DNSMessage.Response {
        let id = UInt16.random(in: 0...UInt16.max)
        let query = try DNSMessage.query(id: id, name: name, type: type)
        let remote: SocketAddress
        do {
            remote = try SocketAddress(ipAddress: resolver.description, port: port)
        } catch {
            throw DNSMessage.Failure("bad resolver address \(resolver)")
        }
        let expected = DNSExpectedAnswer(id: id, name: name, type: type)
        let response = try await exchangeUDP(query, expected: expected, remote: remote)
        guard response.truncated else { return response }
        let full = try await exchangeTCP(query, expected: expected, remote: remote)
        guard !full.truncated else { throw DNSMessage.Failure("the resolver's answer over TCP is truncated too") }
        return full
    }

    private func exchangeUDP(_ query: [UInt8], expected: DNSExpectedAnswer, remote: SocketAddress) async throws(DNSMessage.Failure) -> DNSMessage.Response {
        let loop = group.next()
        let promise = loop.makePromise(of: DNSMessage.Response.self)
        let bootstrap = DatagramBootstrap(group: loop).channelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(DNSAnswerHandler(remote: remote, expected: expected, promise: promise))
            }
        }
        let channel: any Channel
        do {
            channel = try await bootstrap.bind(host: resolver.isIPv4 ? "0.0.0.0" : "::", port: 0).get()
        } catch {
            promise.fail(error)
            throw DNSMessage.Failure("cannot open a UDP socket: \(error)")
        }
        defer { channel.close(promise: nil) }
        let timeoutTask = loop.scheduleTask(in: TimeAmount(timeout)) {
            promise.fail(DNSMessage.Failure("no answer from the resolver within \(timeout)"))
        }
        defer { timeoutTask.cancel() }
        var buffer = channel.allocator.buffer(capacity: query.count)
        buffer.writeBytes(query)
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: remote, data: buffer), promise: nil)
        return try await Self.wait(for: promise)
    }

    /// The query over a fresh TCP connection: both directions carry the message behind a two-byte
    /// big-endian length, so an answer is at most 65,535 bytes and nothing past it is read. The
    /// first complete answer decides: a wrong id or question fails the lookup (a TCP connection
    /// carries only our query, so there is nothing else to wait for). Connecting, sending and
    /// reading share one `timeout`, as the UDP exchange does.
    private func exchangeTCP(_ query: [UInt8], expected: DNSExpectedAnswer, remote: SocketAddress) async throws(DNSMessage.Failure) -> DNSMessage.Response {
        let loop = group.next()
        let promise = loop.makePromise(of: DNSMessage.Response.self)
        let deadline = NIODeadline.now() + TimeAmount(timeout)
        let timeoutTask = loop.scheduleTask(deadline: deadline) {
            promise.fail(DNSMessage.Failure("no answer from the resolver over TCP within \(timeout)"))
        }
        defer { timeoutTask.cancel() }
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(TimeAmount(timeout))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(DNSStreamAnswerHandler(expected: expected, promise: promise))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(to: remote).get()
        } catch {
            promise.fail(error)
            throw DNSMessage.Failure("cannot connect to the resolver over TCP: \(error)")
        }
        defer { channel.close(promise: nil) }
        var buffer = channel.allocator.buffer(capacity: query.count + 2)
        buffer.writeInteger(UInt16(query.count))
        buffer.writeBytes(query)
        channel.writeAndFlush(buffer, promise: nil)
        return try await Self.wait(for: promise)
    }

    private static func wait(for promise: EventLoopPromise<DNSMessage.Response>) async throws(DNSMessage.Failure) -> DNSMessage.Response {
        do {
            return try await promise.futureResult.get()
        } catch let failure as DNSMessage.Failure {
            throw failure
        } catch {
            throw DNSMessage.Failure("DNS query failed: \(error)")
        }
    }
}

/// The query an answer must echo.
struct DNSExpectedAnswer: Sendable {
    let id: UInt16
    let name: String
    let type: UInt16
}

/// Completes `promise` with the first datagram from the resolver that parses as the answer to
/// our question; anything else (spoofed source, other id) is dropped.
private final class DNSAnswerHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    let remote: SocketAddress
    let expected: DNSExpectedAnswer
    let promise: EventLoopPromise<DNSMessage.Response>

    init(remote: SocketAddress, expected: DNSExpectedAnswer, promise: EventLoopPromise<DNSMessage.Response>) {
        self.remote = remote
        self.expected = expected
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        guard envelope.remoteAddress == remote else { return }
        let bytes = Array(envelope.data.readableBytesView)
        guard let response = try? DNSMessage.parse(bytes, id: expected.id, name: expected.name, type: expected.type) else { return }
        promise.succeed(response)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(DNSMessage.Failure("UDP error: \(error)"))
    }
}

/// Reads one length-prefixed answer from a TCP connection (RFC 1035 §4.2.2) and completes
/// `promise` with it, or fails it: wrong id or question, a malformed message, or the connection
/// closing first. Holds at most one message (2 + 65,535 bytes).
private final class DNSStreamAnswerHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    let expected: DNSExpectedAnswer
    let promise: EventLoopPromise<DNSMessage.Response>
    private var received: ByteBuffer?
    private var done = false

    init(expected: DNSExpectedAnswer, promise: EventLoopPromise<DNSMessage.Response>) {
        self.expected = expected
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !done else { return }
        var chunk = unwrapInboundIn(data)
        if received == nil {
            received = chunk
        } else {
            received!.writeBuffer(&chunk)
        }
        guard let buffer = received, let length = buffer.getInteger(at: buffer.readerIndex, as: UInt16.self),
              let message = buffer.getBytes(at: buffer.readerIndex + 2, length: Int(length)) else { return }
        done = true
        received = nil
        do {
            promise.succeed(try DNSMessage.parse(message, id: expected.id, name: expected.name, type: expected.type))
        } catch {
            promise.fail(error)
        }
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !done {
            done = true
            promise.fail(DNSMessage.Failure("the resolver closed the TCP connection before a whole answer"))
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !done {
            done = true
            promise.fail(DNSMessage.Failure("TCP error: \(error)"))
        }
        context.close(promise: nil)
    }
}
