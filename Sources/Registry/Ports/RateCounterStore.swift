/// Storage port for fixed-window rate-limit counters, shared by every server process.
public protocol RateCounterStore: Sendable {
    /// Counts one hit for `bucket` in the fixed window starting at `windowStart` and returns the
    /// count including this hit. Atomic across processes. Rows of windows that ended before
    /// `windowStart` may be deleted.
    func incrementRateCounter(bucket: String, windowStart: Int64) async throws -> Int
    /// The count of `bucket` in the window starting at `windowStart`, without counting a hit.
    func rateCount(bucket: String, windowStart: Int64) async throws -> Int
}
