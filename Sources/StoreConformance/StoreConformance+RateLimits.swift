import Registry

extension StoreConformance {
    static let rateLimitCases: [ConformanceCase] = [
        ConformanceCase(name: "rate counters count per bucket and window") { store in
            for expected in 1...3 {
                try await expect(try await store.incrementRateCounter(bucket: "a", windowStart: 60) == expected, "hit \(expected) in window 60")
            }
            try await expect(try await store.incrementRateCounter(bucket: "b", windowStart: 60) == 1, "another bucket starts at 1")
            try await expect(try await store.incrementRateCounter(bucket: "a", windowStart: 120) == 1, "a new window starts at 1")
            try await expect(try await store.incrementRateCounter(bucket: "a", windowStart: 120) == 2, "and counts on")
            try await expect(try await store.incrementRateCounter(bucket: "b", windowStart: 60) == 2, "bucket b unaffected by a's new window")
            try await expect(try await store.rateCount(bucket: "a", windowStart: 120) == 2, "reading a count does not add a hit")
            try await expect(try await store.rateCount(bucket: "a", windowStart: 120) == 2, "reading twice still 2")
            try await expect(try await store.rateCount(bucket: "none", windowStart: 120) == 0, "an unknown bucket counts 0")
        },
        ConformanceCase(name: "rate counters count several hits at once") { store in
            let bucket = "many-\(uuid())"
            try await expect(try await store.incrementRateCounter(bucket: bucket, windowStart: 60, by: 10) == 10, "ten hits at once")
            try await expect(try await store.incrementRateCounter(bucket: bucket, windowStart: 60) == 11, "then one more")
            try await expect(try await store.incrementRateCounter(bucket: bucket, windowStart: 60, by: 5) == 16, "then five more")
            try await expect(try await store.incrementRateCounter(bucket: bucket, windowStart: 120, by: 3) == 3, "a new window starts from the amount")
            try await expect(try await store.rateCount(bucket: bucket, windowStart: 60) == 0, "and its first hits dropped the old window")
        },
        ConformanceCase(name: "concurrent rate counter increments lose no hit") { store in
            let counts = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await store.incrementRateCounter(bucket: "hot", windowStart: 0) }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            try await expect(counts.sorted() == Array(1...20), "each hit saw its own count: \(counts.sorted())")
            try await expect(try await store.incrementRateCounter(bucket: "hot", windowStart: 0) == 21, "ends at exactly 20")
        },
    ]
}
