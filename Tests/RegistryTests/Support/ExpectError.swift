import Registry
import Testing

/// The one place tests look inside a registry error: asserts that `body` throws the error whose
/// wire code is `code` (and, when given, of category `kind`) and returns it.
@discardableResult
func expectError(
    _ code: String, kind: RegistryError.Category? = nil, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> Void
) async -> RegistryError? {
    do {
        try await body()
        Issue.record("expected error \(code), but nothing was thrown", sourceLocation: sourceLocation)
        return nil
    } catch {
        guard let registryError = error as? RegistryError else {
            Issue.record("expected error \(code), got \(error)", sourceLocation: sourceLocation)
            return nil
        }
        #expect(registryError.code.rawValue == code, "\(registryError)", sourceLocation: sourceLocation)
        if let kind { #expect(registryError.category == kind, "\(registryError)", sourceLocation: sourceLocation) }
        return registryError.code.rawValue == code ? registryError : nil
    }
}

/// Asserts that `body` is refused with a rate-limit error `code` and returns the standing it reports.
@discardableResult
func expectRateLimited(
    _ code: String = "rate_limit_exceeded", sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void
) async -> RateLimitStatus? {
    let error = await expectError(code, sourceLocation: sourceLocation, body)
    guard let error else { return nil }
    guard error.category == .rateLimited, let status = error.rateLimit else {
        Issue.record("\(code) is not a rate-limit error: \(error.category)", sourceLocation: sourceLocation)
        return nil
    }
    return status
}

/// A rate-limit standing as plain values, to compare with (`RateLimitStatus` has no public initialiser).
struct Standing: Equatable, CustomStringConvertible {
    var limit: Int
    var remaining: Int
    var resetAt: Int64
    var retryAfter: Int

    init(limit: Int, remaining: Int, resetAt: Int64, retryAfter: Int) {
        self.limit = limit
        self.remaining = remaining
        self.resetAt = resetAt
        self.retryAfter = retryAfter
    }

    init?(_ status: RateLimitStatus?) {
        guard let status else { return nil }
        self.init(limit: status.limit, remaining: status.remaining, resetAt: status.resetAt, retryAfter: status.retryAfter)
    }

    var description: String { "limit \(limit), remaining \(remaining), reset at \(resetAt), retry after \(retryAfter)" }
}
