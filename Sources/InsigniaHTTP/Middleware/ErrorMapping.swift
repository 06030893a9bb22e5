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
    static func status(for category: RegistryError.Category) -> HTTPResponse.Status {
        switch category {
        case .invalidInput: .badRequest
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .conflict: .conflict
        case .methodNotAllowed: .methodNotAllowed
        case .tooLarge: .contentTooLarge
        case .unsupportedMediaType: .unsupportedMediaType
        case .rateLimited: .tooManyRequests
        case .badGateway: .badGateway
        case .unavailable: .serviceUnavailable
        // nginx's "client closed request": logged and counted as the client's doing, not a 5xx.
        case .clientAborted: HTTPResponse.Status(code: 499, reasonPhrase: "Client Closed Request")
        case .internal: .internalServerError
        }
    }

    static func response(for error: any Error, logger: Logger) -> Response {
        switch error {
        case let error as RegistryError:
            var headers: HTTPFields = [:]
            if let status = error.rateLimit {
                headers = RateLimitHeaders.fields(status)
                headers[.retryAfter] = String(status.retryAfter)
            }
            if error.category == .internal {
                logger.error("internal error", metadata: ["error": "\(error.code.rawValue)"])
            }
            return APIResponse.error(status: status(for: error.category), code: error.code, message: error.message, headers: headers)
        case let error as MethodNotAllowedError:
            let code = ErrorCode.methodNotAllowed
            return APIResponse.error(
                status: status(for: code.category), code: code, message: "\(error.method) is not allowed here; allowed: \(error.allow)",
                headers: [.allow: error.allow]
            )
        case is NIOTooManyBytesError:
            return APIResponse.error(status: .contentTooLarge, code: .payloadTooLarge, message: "request body too large")
        case let error as any HTTPResponseError:
            let status = error.status
            let code: ErrorCode = switch status {
            case .notFound: .notFound
            case .methodNotAllowed: .methodNotAllowed
            case .badRequest: .invalidRequest
            case .contentTooLarge: .payloadTooLarge
            case .unauthorized: .unauthorized
            default: status.code >= 500 ? .internalError : .invalidRequest
            }
            let message = status == .notFound ? "no such route" : status.reasonPhrase
            return APIResponse.error(status: status, code: code, message: message)
        default:
            // Log the type only: error descriptions from drivers may quote SQL parameters.
            logger.error("unhandled error", metadata: ["error.type": "\(type(of: error))"])
            return APIResponse.error(status: .internalServerError, code: .internalError, message: "internal server error")
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
            if let error = error as? RegistryError, error.category == .rateLimited { metrics.rateLimited(code: error.code.rawValue) }
            return ErrorMapping.response(for: error, logger: context.logger)
        }
    }
}
