import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Per-connection limits the router cannot see: how long a client may take to send a request, how
/// long an idle connection stays open, and what happens to a connection answered early.
///
/// - **Headers** must arrive within `headerTimeout` of the connection opening or of the previous
///   response (that is also the idle timeout of a kept-alive connection).
/// - A **whole request** (headers and body) must arrive within `readTimeout` of its first line.
///   Either timeout closes the connection; no request was taken, so nothing is answered.
/// - An **early response** — sent before its request was read to the end, like the `413` for a body
///   over the limit — closes the connection: otherwise the server keeps it open waiting for a body
///   it will never use (with `Connection: close`, until the client hangs up), and a client that
///   never finishes holds a file descriptor and buffers forever. After the response the write side
///   is shut (the client reads the answer, then end of stream), the rest of the request is
///   discarded, and the connection is closed for good after `linger`, so the answer is not lost to
///   a reset.
/// - A request the HTTP **parser** rejects before its head is complete (a NUL or CR in the request
///   line, headers over the size limit) gets `400 invalid_request` with the usual JSON error body,
///   then the connection is closed the same way.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    struct Limits: Sendable {
        var headerTimeout: TimeAmount?
        var readTimeout: TimeAmount?
        var linger: TimeAmount = .seconds(2)
    }

    let limits: Limits
    /// Request heads read and responses finished (pipelined requests may be read ahead).
    private var requestsRead = 0
    private var responsesFinished = 0
    /// The last request read has been read to its end.
    private var lastRequestComplete = true
    /// The response was finished early: discard inbound data until the connection closes.
    private var closing = false
    private var timer: Scheduled<Void>?

    init(_ limits: Limits) {
        self.limits = limits
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context, limits.headerTimeout) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context, limits.headerTimeout)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if closing { return }
        switch unwrapInboundIn(data) {
        case .head:
            requestsRead += 1
            lastRequestComplete = false
            arm(context, limits.readTimeout)
        case .body:
            break
        case .end:
            lastRequestComplete = true
            disarm()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head) where answeringUnfinishedRequest:
            head.headerFields[.connection] = "close"
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .end where answeringUnfinishedRequest && !closing:
            closing = true
            responsesFinished += 1
            disarm()
            context.writeAndFlush(data, promise: promise)
            context.close(mode: .output, promise: nil)
            let channel = context.channel
            context.eventLoop.scheduleTask(in: limits.linger) { channel.close(promise: nil) }
        case .end:
            responsesFinished += 1
            context.write(data, promise: promise)
            // Nothing read ahead: the connection now waits for the next request's headers.
            if requestsRead == responsesFinished, lastRequestComplete { arm(context, limits.headerTimeout) }
        default:
            context.write(data, promise: promise)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A parse error between requests (no head read for it) has no handler to answer it: answer
        // here. Inside a request (a bad body) the handler sees the error while reading the body.
        guard error is HTTPParserError, requestsRead == responsesFinished else {
            context.fireErrorCaught(error)
            return
        }
        guard !closing else { return }
        closing = true
        disarm()
        let body = ByteBuffer(string: #"{"success":false,"error":"invalid_request","message":"malformed HTTP request"}"#)
        let head = HTTPResponse(status: .badRequest, headerFields: [
            .contentType: APIResponse.jsonContentType, .contentLength: String(body.readableBytes), .connection: "close",
        ])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.close(mode: .output, promise: nil)
        let channel = context.channel
        context.eventLoop.scheduleTask(in: limits.linger) { channel.close(promise: nil) }
    }

    /// The response being written answers the last request read, which has not been read to its end.
    private var answeringUnfinishedRequest: Bool { requestsRead == responsesFinished + 1 && !lastRequestComplete }

    private func arm(_ context: ChannelHandlerContext, _ timeout: TimeAmount?) {
        disarm()
        guard let timeout else { return }
        let channel = context.channel
        timer = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
    }

    private func disarm() {
        timer?.cancel()
        timer = nil
    }
}
