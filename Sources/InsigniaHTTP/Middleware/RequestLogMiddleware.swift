import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Echoes the request id Hummingbird assigned (logger metadata `hb.request.id`) as `X-Request-Id`
/// and logs one line and records metrics when the request completes.
///
/// Logs method, path, status and duration — never headers or bodies, which carry keys and badges.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let requestIDHeader = HTTPField.Name("X-Request-Id")!
    let metrics: InsigniaMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var response = try await next(request, context)
        response.headers[Self.requestIDHeader] = context.id
        let elapsed = ContinuousClock.now - start
        metrics.request(route: context.endpointPath ?? "unmatched", method: request.method.rawValue, status: Int(response.status.code), duration: elapsed)
        let millis = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        context.logger.info("request", metadata: [
            "method": .string(request.method.rawValue),
            "path": .string(request.uri.path),
            "status": .stringConvertible(response.status.code),
            "duration_ms": .string(String(format: "%.2f", millis)),
        ])
        return response
    }
}
