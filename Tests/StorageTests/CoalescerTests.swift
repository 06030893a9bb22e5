import Foundation
@testable import Storage
import Testing

/// A store stand-in: counts reads and answers each key with the version current when the read began.
private final class VersionedSource: @unchecked Sendable {
    private let lock = NSLock()
    private var version = 0
    private var reads: [[String]] = []
    private var inFlight = 0
    private(set) var mostInFlight = 0

    func bump() -> Int { lock.withLock { version += 1; return version } }
    var readCount: Int { lock.withLock { reads.count } }
    var largestRead: Int { lock.withLock { reads.map(\.count).max() ?? 0 } }

    func read(_ keys: [String]) async throws -> [String: Int] {
        let current = lock.withLock {
            reads.append(keys)
            inFlight += 1
            mostInFlight = max(mostInFlight, inFlight)
            return version
        }
        defer { lock.withLock { inFlight -= 1 } }
        try await Task.sleep(for: .milliseconds(2))  // a round trip, so lookups pile up behind it
        return Dictionary(uniqueKeysWithValues: keys.filter { $0 != "missing" }.map { ($0, current) })
    }
}

private struct ReadFailed: Error {}

@Suite struct CoalescerTests {
    @Test func concurrentLookupsShareReadsAndEachGetsItsOwnKey() async throws {
        let source = VersionedSource()
        let lookup = Coalescer<String, Int?>.lookup(maxConcurrent: 2, fetch: source.read)
        let answers = try await withThrowingTaskGroup(of: (String, Int?).self) { group in
            for n in 0..<200 {
                let key = n % 7 == 0 ? "missing" : "k\(n % 50)"
                group.addTask { (key, try await lookup.submit(key)) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers.count == 200)
        #expect(answers.allSatisfy { key, value in key == "missing" ? value == nil : value == 0 })
        #expect(source.readCount < 200, "lookups were coalesced (\(source.readCount) reads)")
        #expect(source.largestRead > 1)
        #expect(source.mostInFlight <= 2, "at most maxConcurrentReads reads at once")
    }

    @Test func aLookupNeverSeesAReadThatBeganBeforeIt() async throws {
        let source = VersionedSource()
        let lookup = Coalescer<String, Int?>.lookup(maxConcurrent: 2, fetch: source.read)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<40 {
                let required = source.bump()
                group.addTask {
                    let seen = try await lookup.submit("k")
                    #expect((seen ?? -1) >= required, "a change made before the lookup is visible to it")
                }
                try await Task.sleep(for: .microseconds(300))
            }
            try await group.waitForAll()
        }
    }

    @Test func aFailedReadFailsItsLookupsOnly() async throws {
        let failing = Coalescer<String, Int?>.lookup(maxConcurrent: 1) { keys in
            if keys.contains("bad") { throw ReadFailed() }
            return Dictionary(uniqueKeysWithValues: keys.map { ($0, 1) })
        }
        await #expect(throws: ReadFailed.self) { try await failing.submit("bad") }
        #expect(try await failing.submit("good") == 1)
    }

    @Test func eachCallGetsItsOwnResultFromASharedBatch() async throws {
        let doubling = Coalescer<Int, Int>(maxBatch: 64) { inputs in
            inputs.map { $0 % 2 == 0 ? .success($0 * 2) : .failure(ReadFailed()) }
        }
        let results = await withTaskGroup(of: (Int, Int?).self) { group in
            for n in 0..<100 { group.addTask { (n, try? await doubling.submit(n)) } }
            return await group.reduce(into: [(Int, Int?)]()) { $0.append($1) }
        }
        #expect(Set(results.map(\.0)) == Set(0..<100))
        #expect(results.allSatisfy { n, value in n % 2 == 0 ? value == n * 2 : value == nil })
    }
}
