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
        context.logger.info("request", metadata: [
            "method": .string(request.method.rawValue),
            "path": .string(request.uri.path),
            "status": .stringConvertible(response.status.code),
            "duration_ms": .string(Self.milliseconds(elapsed)),
        ])
        return response
    }

    /// `elapsed` in milliseconds with two decimals ("12.34"), without Foundation's `String(format:)`
    /// (this runs on every request).
    static func milliseconds(_ elapsed: Duration) -> String {
        let hundredths = elapsed.components.seconds * 100_000 + elapsed.components.attoseconds / 10_000_000_000_000
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
