import NIOCore
import NIOHTTP1
import NIOSSL

/// Sends one GET and collects the response under the policy's limits, completing `promise`
/// exactly once. It closes the connection as soon as the outcome is known, and at `deadline`.
final class ResponseCollector: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private let request: HTTPRequestHead
    private let maxBodyBytes: Int
    private let deadline: NIODeadline
    private let promise: EventLoopPromise<FetchResponse>
    private var head: HTTPResponseHead?
    private var body: [UInt8] = []
    private var deadlineTask: Scheduled<Void>?
    private var finished = false

    init(request: HTTPRequestHead, maxBodyBytes: Int, deadline: NIODeadline, promise: EventLoopPromise<FetchResponse>) {
        self.request = request
        self.maxBodyBytes = maxBodyBytes
        self.deadline = deadline
        self.promise = promise
    }

    func handlerAdded(context: ChannelHandlerContext) {
        // Covers the TLS handshake and a server that accepts but never (fully) answers.
        deadlineTask = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            self.finish(context, .failure(FetchError(.timeout, "no complete response before the deadline")))
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        // A no-op after a normal finish; otherwise the channel died before it connected.
        finish(context, .failure(FetchError(.connectFailed, "connection closed before a response")))
    }

    func channelActive(context: ChannelHandlerContext) {
        context.write(wrapOutboundOut(.head(request)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !finished else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            let status = Int(head.status.code)
            switch status {
            case 200..<300:
                if let length = head.headers.first(name: "content-length").flatMap({ Int($0) }), length > maxBodyBytes {
                    return finish(context, .failure(tooLarge))
                }
                self.head = head
            case 300..<400:
                // Redirects are never followed (RFC-003 §9.7); a 3xx is a failure.
                finish(context, .failure(FetchError(.redirect, "redirect \(status) not followed")))
            default:
                finish(context, .failure(FetchError(.httpStatus, "HTTP status \(status)")))
            }
        case .body(let chunk):
            guard chunk.readableBytes <= maxBodyBytes - body.count else { return finish(context, .failure(tooLarge)) }
            body.append(contentsOf: chunk.readableBytesView)
        case .end:
            guard let head else {
                return finish(context, .failure(FetchError(.malformedResponse, "response ended without a head")))
            }
            let response = FetchResponse(
                status: Int(head.status.code),
                contentType: head.headers.first(name: "content-type"),
                body: body
            )
            finish(context, .success(response))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(context, .failure(FetchError(.malformedResponse, "connection closed before the response was complete")))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(context, .failure(Self.fetchError(for: error)))
    }

    private var tooLarge: FetchError { FetchError(.tooLarge, "body exceeds \(maxBodyBytes) bytes") }

    private func finish(_ context: ChannelHandlerContext, _ result: Result<FetchResponse, FetchError>) {
        guard !finished else { return }
        finished = true
        deadlineTask?.cancel()
        promise.completeWith(result.mapError { $0 as any Error })
        context.close(promise: nil)
    }

    private static func fetchError(for error: any Error) -> FetchError {
        switch error {
        case is NIOSSLError, is BoringSSLError, is NIOSSLExtraError:
            FetchError(.tlsFailed, "TLS failure: \(error)")
        case is HTTPParserError:
            FetchError(.malformedResponse, "malformed HTTP response: \(error)")
        default:
            FetchError(.connectFailed, "connection error: \(error)")
        }
    }
}
