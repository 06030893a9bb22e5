/// A limit of `limit` hits per fixed window of `windowSeconds`; `limit == 0` disables it.
public struct RateLimit: Sendable, Equatable {
    public var limit: Int
    public var windowSeconds: Int64

    public init(limit: Int, windowSeconds: Int64) {
        self.limit = limit
        self.windowSeconds = windowSeconds
    }

    public static func perMinute(_ limit: Int) -> RateLimit { RateLimit(limit: limit, windowSeconds: 60) }
}

/// Where a caller stands against a limit, for the `X-RateLimit-*` headers.
public struct RateLimitStatus: Sendable, Equatable {
    public var limit: Int
    public var remaining: Int
    /// Unix time at which the window resets.
    public var resetAt: Int64
    /// Seconds until then (at least 1), for `Retry-After`.
    public var retryAfter: Int

    public init(limit: Int, remaining: Int, resetAt: Int64, retryAfter: Int) {
        self.limit = limit
        self.remaining = remaining
        self.resetAt = resetAt
        self.retryAfter = retryAfter
    }
}

/// Fixed-window counters kept in the database, so a limit holds across every server process.
public struct RateLimiter: Sendable {
    let store: any RateCounterStore
    let clock: any RegistryClock

    public init(store: any RateCounterStore, clock: any RegistryClock) {
        self.store = store
        self.clock = clock
    }

    /// Counts a hit on `bucket`. Returns the standing, or nil when the limit is disabled; throws
    /// `code` (429) once the window's count passes the limit.
    public func hit(_ bucket: String, _ rule: RateLimit, code: ErrorCode = .rateLimitExceeded) async throws -> RateLimitStatus? {
        try await take(1, from: bucket, rule, code: code).status
    }

    /// Counts `amount` hits on `bucket` at once and returns how many of them fit under the limit
    /// (all when the limit is disabled), with the standing; throws `code` when none fit.
    public func take(
        _ amount: Int, from bucket: String, _ rule: RateLimit, code: ErrorCode = .rateLimitExceeded
    ) async throws -> (allowed: Int, status: RateLimitStatus?) {
        guard rule.limit > 0, amount > 0 else { return (amount, nil) }
        let window = Window(rule, now: clock.now())
        let count = try await store.incrementRateCounter(bucket: bucket, windowStart: window.start, by: amount)
        let status = window.status(count: count)
        let allowed = min(amount, max(0, rule.limit - (count - amount)))
        guard allowed > 0 else {
            throw RegistryError(code, "rate limit of \(rule.limit) per \(rule.windowSeconds) s exceeded; retry after \(status.retryAfter) s", rateLimit: status)
        }
        return (allowed, status)
    }

    /// The standing of `bucket` without counting a hit (nil when the limit is disabled).
    public func standing(_ bucket: String, _ rule: RateLimit) async throws -> RateLimitStatus? {
        guard rule.limit > 0 else { return nil }
        let window = Window(rule, now: clock.now())
        return window.status(count: try await store.rateCount(bucket: bucket, windowStart: window.start))
    }

    /// The fixed window of `rule` that holds `now`, and the standing a count in it gives.
    private struct Window {
        let rule: RateLimit
        let now: Int64
        let start: Int64

        init(_ rule: RateLimit, now: Int64) {
            self.rule = rule
            self.now = now
            self.start = now - now % rule.windowSeconds
        }

        func status(count: Int) -> RateLimitStatus {
            let resetAt = start + rule.windowSeconds
            return RateLimitStatus(limit: rule.limit, remaining: max(0, rule.limit - count), resetAt: resetAt, retryAfter: Int(max(1, resetAt - now)))
        }
    }
}
