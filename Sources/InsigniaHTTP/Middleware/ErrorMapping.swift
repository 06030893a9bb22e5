import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Registry

/// The one place where errors become HTTP responses.
///
/// Domain code throws `RegistryError`; framework errors (unknown route, oversized body) are
/// translated here too, so every non-2xx answer has the same JSON body and nothing leaks a trace.
enum ErrorMapping {
    static func status(for kind: RegistryError.Kind) -> HTTPResponse.Status {
        switch kind {
        case .invalidInput: .badRequest
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .conflict: .conflict
        case .tooLarge: .contentTooLarge
        case .rateLimited: .tooManyRequests
        case .badGateway: .badGateway
        case .unavailable: .serviceUnavailable
        case .internal: .internalServerError
        }
    }

    static func response(for error: any Error, logger: Logger) -> Response {
        switch error {
        case let error as RegistryError:
            var headers: HTTPFields = [:]
            if case .rateLimited(let status) = error.kind {
                headers = RateLimitHeaders.fields(status)
                headers[.retryAfter] = String(status.retryAfter)
            }
            if case .internal = error.kind {
                logger.error("internal error", metadata: ["error": "\(error.code)"])
            }
            return APIResponse.error(status: status(for: error.kind), code: error.code, message: error.message, headers: headers)
        case is NIOTooManyBytesError:
            return APIResponse.error(status: .contentTooLarge, code: "payload_too_large", message: "request body too large")
        case let error as any HTTPResponseError:
            let status = error.status
            let code = switch status {
            case .notFound: "not_found"
            case .methodNotAllowed: "method_not_allowed"
            case .badRequest: "invalid_request"
            case .contentTooLarge: "payload_too_large"
            case .unauthorized: "unauthorized"
            default: status.code >= 500 ? "internal_error" : "invalid_request"
            }
            let message = status == .notFound ? "no such route" : status.reasonPhrase
            return APIResponse.error(status: status, code: code, message: message)
        default:
            // Log the type only: error descriptions from drivers may quote SQL parameters.
            logger.error("unhandled error", metadata: ["error.type": "\(type(of: error))"])
            return APIResponse.error(status: .internalServerError, code: "internal_error", message: "internal server error")
        }
    }
}

/// Turns every error thrown below it into a JSON error response.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let metrics: InsigniaMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            if let error = error as? RegistryError, case .rateLimited = error.kind { metrics.rateLimited(code: error.code) }
            return ErrorMapping.response(for: error, logger: context.logger)
        }
    }
}
