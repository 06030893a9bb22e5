/// Storage port for fixed-window rate-limit counters, shared by every server process.
public protocol RateCounterStore: Sendable {
    /// Counts `amount` (≥ 1) hits for `bucket` in the fixed window starting at `windowStart` and
    /// returns the count including them. Atomic across processes. Rows of windows that ended before
    /// `windowStart` may be deleted.
    func incrementRateCounter(bucket: String, windowStart: Int64, by amount: Int) async throws -> Int
    /// The count of `bucket` in the window starting at `windowStart`, without counting a hit.
    func rateCount(bucket: String, windowStart: Int64) async throws -> Int
}

extension RateCounterStore {
    /// Counts one hit.
    public func incrementRateCounter(bucket: String, windowStart: Int64) async throws -> Int {
        try await incrementRateCounter(bucket: bucket, windowStart: windowStart, by: 1)
    }
}
