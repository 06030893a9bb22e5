import Registry

extension MemoryQueries {
    public func incrementRateCounter(bucket: String, windowStart: Int64, by amount: Int) async throws -> Int {
        try await memory.write { state in
            let window = RateWindow(bucket: bucket, windowStart: windowStart)
            let count = (state.rateCounters[window] ?? 0) + max(1, amount)
            state.rateCounters[window] = count
            if count == max(1, amount) {
                // As the SQL adapter does: a bucket's first hit in a new window drops its older windows.
                for old in state.rateCounters.keys where old.bucket == bucket && old.windowStart < windowStart {
                    state.rateCounters[old] = nil
                }
            }
            return count
        }
    }

    public func rateCount(bucket: String, windowStart: Int64) async throws -> Int {
        try await memory.read { $0.rateCounters[RateWindow(bucket: bucket, windowStart: windowStart)] ?? 0 }
    }
}
