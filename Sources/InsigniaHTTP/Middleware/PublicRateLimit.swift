import Foundation
import Hummingbird
import Registry

/// Requests per client address per minute on the public verification routes
/// (`PUBLIC_RATE_LIMIT_PER_MINUTE`), counted in this process's memory: they are the hot path, and a
/// database write per verification would cost more than the flood it stops. With several
/// replicas behind a balancer, each enforces the limit on what it receives.
final class PublicRateLimiter: @unchecked Sendable {
    let rule: RateLimit
    let clock: any RegistryClock
    private let lock = NSLock()
    private var windowStart: Int64 = 0
    private var counts: [String: Int] = [:]

    init(rule: RateLimit, clock: any RegistryClock) {
        self.rule = rule
        self.clock = clock
    }

    /// Counts a request from `address`; throws `rate_limit_exceeded` beyond the limit. Nil when disabled.
    func hit(_ address: String) throws -> RateLimitStatus? {
        guard rule.limit > 0 else { return nil }
        let now = clock.now()
        let start = now - now % rule.windowSeconds
        let count: Int = lock.withLock {
            if start != windowStart {
                windowStart = start
                counts.removeAll(keepingCapacity: true)
            }
            let next = (counts[address] ?? 0) + 1
            counts[address] = next
            return next
        }
        let resetAt = start + rule.windowSeconds
        let status = RateLimitStatus(limit: rule.limit, remaining: max(0, rule.limit - count), resetAt: resetAt, retryAfter: Int(max(1, resetAt - now)))
        guard count <= rule.limit else {
            throw RegistryError(.rateLimitExceeded, "rate limit of \(rule.limit) requests per minute from this address exceeded; retry after \(status.retryAfter) s", rateLimit: status)
        }
        return status
    }
}

/// Applies `PublicRateLimiter` to a route group and reports the standing in `X-RateLimit-*`.
struct PublicRateLimitMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let limiter: PublicRateLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let status = try limiter.hit(context.clientIP ?? "unknown")
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as RegistryError where error.rateLimit != nil {
            throw error
        } catch {
            // Refusals (404, 400…) report the standing too.
            response = ErrorMapping.response(for: error, logger: context.logger)
        }
        RateLimitHeaders.apply(status, to: &response)
        return response
    }
}
