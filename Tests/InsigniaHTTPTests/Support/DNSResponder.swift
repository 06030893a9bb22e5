import Foundation
import NIOCore
import NIOPosix

/// A tiny authoritative-looking DNS responder on 127.0.0.1 (UDP, random port) for DNS-01 tests.
/// Answers TXT questions from its table, optionally through a CNAME, and counts the queries.
final class DNSResponder: @unchecked Sendable {
    private let lock = NSLock()
    private var txt: [String: [[String]]] = [:]
    private var cnames: [String: String] = [:]
    private var queries = 0

    /// Publishes a TXT record (several strings allowed) at `name`.
    func publish(_ name: String, _ strings: [String]) { lock.withLock { txt[name, default: []].append(strings) } }
    func alias(_ name: String, to target: String) { lock.withLock { cnames[name] = target } }
    var queryCount: Int { lock.withLock { queries } }

    /// Runs `body` with the responder bound to 127.0.0.1; passes its port.
    func run(_ body: @Sendable (Int) async throws -> Void) async throws {
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Handler(responder: self)) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        do {
            try await body(channel.localAddress!.port!)
        } catch {
            channel.close(promise: nil)
            throw error
        }
        channel.close(promise: nil)
    }

    /// The answer to `query` (nil: ignore it).
    func answer(_ query: [UInt8]) -> [UInt8]? {
        guard query.count > 12 else { return nil }
        var position = 12
        var labels: [String] = []
        while position < query.count, query[position] != 0 {
            let length = Int(query[position])
            guard position + 1 + length <= query.count else { return nil }
            labels.append(String(decoding: query[(position + 1)..<(position + 1 + length)], as: UTF8.self).lowercased())
            position += 1 + length
        }
        let questionEnd = position + 5
        guard questionEnd <= query.count else { return nil }
        let name = labels.joined(separator: ".")
        let (records, target) = lock.withLock { () -> ([[String]], String?) in
            queries += 1
            if let target = cnames[name] { return (txt[target] ?? [], target) }
            return (txt[name] ?? [], nil)
        }
        var answers: [UInt8] = []
        var count = 0
        var owner: [UInt8] = [0xC0, 0x0C]
        if let target {
            var encoded: [UInt8] = []
            for label in target.split(separator: ".") { encoded += [UInt8(label.utf8.count)] + Array(label.utf8) }
            encoded.append(0)
            let offset = questionEnd + 12
            answers += owner + [0, 5, 0, 1, 0, 0, 0, 30, UInt8(encoded.count >> 8), UInt8(encoded.count & 0xFF)] + encoded
            owner = [0xC0 | UInt8(offset >> 8), UInt8(offset & 0xFF)]
            count += 1
        }
        for strings in records {
            let rdata = strings.flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) }
            answers += owner + [0, 16, 0, 1, 0, 0, 0, 30, UInt8(rdata.count >> 8), UInt8(rdata.count & 0xFF)] + rdata
            count += 1
        }
        let rcode: UInt8 = count == 0 ? 3 : 0
        return [query[0], query[1], 0x81, 0x80 | rcode, 0, 1, 0, UInt8(count), 0, 0, 0, 0] + Array(query[12..<questionEnd]) + answers
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        typealias OutboundOut = AddressedEnvelope<ByteBuffer>
        let responder: DNSResponder
        init(responder: DNSResponder) { self.responder = responder }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let envelope = unwrapInboundIn(data)
            guard let reply = responder.answer(Array(envelope.data.readableBytesView)) else { return }
            let buffer = context.channel.allocator.buffer(bytes: reply)
            context.writeAndFlush(wrapOutboundOut(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: buffer)), promise: nil)
        }
    }
}
