import HTTPTypes
import Hummingbird
import Registry

/// `X-RateLimit-*` headers (CONTRACT.md §7.3).
enum RateLimitHeaders {
    static let limit = HTTPField.Name("X-RateLimit-Limit")!
    static let remaining = HTTPField.Name("X-RateLimit-Remaining")!
    static let reset = HTTPField.Name("X-RateLimit-Reset")!

    static func fields(_ status: RateLimitStatus) -> HTTPFields {
        [limit: String(status.limit), remaining: String(status.remaining), reset: String(status.resetAt)]
    }

    /// Of several standings, the one closest to exhaustion is the one to report.
    static func tightest(_ statuses: RateLimitStatus?...) -> RateLimitStatus? {
        statuses.compactMap { $0 }.min { $0.remaining < $1.remaining }
    }

    /// Adds the headers for `status` unless the response already carries a limit.
    static func apply(_ status: RateLimitStatus?, to response: inout Response) {
        guard let status, response.headers[limit] == nil else { return }
        response.headers.append(contentsOf: fields(status))
    }
}
