import Registry

extension SQLQueries {
    public func incrementRateCounter(bucket: String, windowStart: Int64, by amount: Int) async throws -> Int {
        // One upsert statement: atomic on both databases without an explicit transaction.
        let rows = try await executor.query(
            """
            INSERT INTO rate_counters (bucket, window_start, count) VALUES ($1, $2, $3)
            ON CONFLICT (bucket, window_start) DO UPDATE SET count = rate_counters.count + $3
            RETURNING count
            """,
            [.text(bucket), .int(windowStart), .int(Int64(max(1, amount)))]
        )
        guard let count = try rows.first?.int("count") else { throw SQLRowError.unexpected("count") }
        if count == Int64(max(1, amount)) {
            // The first hit of a new window is the moment the bucket's older windows became useless;
            // clearing them then keeps the table small without a delete on every hit.
            try await executor.query(
                "DELETE FROM rate_counters WHERE bucket = $1 AND window_start < $2", [.text(bucket), .int(windowStart)]
            )
        }
        return Int(count)
    }

    public func rateCount(bucket: String, windowStart: Int64) async throws -> Int {
        let rows = try await executor.query(
            "SELECT count FROM rate_counters WHERE bucket = $1 AND window_start = $2", [.text(bucket), .int(windowStart)]
        )
        return Int(try rows.first?.int("count") ?? 0)
    }
}
