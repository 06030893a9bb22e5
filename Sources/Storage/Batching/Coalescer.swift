/// Runs concurrent calls in batches: the shared mechanism behind the ledger's group commit and the
/// group reads of badge status and verification.
///
/// At most `maxConcurrent` batches run at once; while they run, new calls queue, and the next batch
/// takes them all (up to `maxBatch`). Under light load every call runs alone (no added latency);
/// under load one statement or transaction serves many requests. A batch only takes calls queued
/// before it started, so a read answers with a state no older than its call, and a write returns
/// only after the batch holding it has finished.
actor Coalescer<Input: Sendable, Output: Sendable> {
    /// Runs one batch; returns one result per input, in order.
    typealias Run = @Sendable (_ inputs: [Input]) async -> [Result<Output, any Error>]

    private let run: Run
    private let maxBatch: Int
    private let maxConcurrent: Int
    private var pending: [(input: Input, waiter: CheckedContinuation<Output, any Error>)] = []
    private var batchesInFlight = 0

    init(maxBatch: Int, maxConcurrent: Int = 1, run: @escaping Run) {
        self.run = run
        self.maxBatch = maxBatch
        self.maxConcurrent = maxConcurrent
    }

    /// Queues `input` and returns its result once its batch has run.
    func submit(_ input: Input) async throws -> Output {
        try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Output, any Error>) in
            pending.append((input, waiter))
            if batchesInFlight < maxConcurrent {
                batchesInFlight += 1
                // High priority: a batch is what its many callers wait on; with the cooperative
                // threads busy answering requests, each of a ledger transaction's round trips
                // otherwise queued behind new requests' work (the group commit runs one at a time).
                Task(priority: .high) { await runPending() }
            }
        }
    }

    private func runPending() async {
        while !pending.isEmpty {
            let batch = Array(pending.prefix(maxBatch))
            pending.removeFirst(batch.count)
            let results = await run(batch.map(\.input))
            for (item, result) in zip(batch, results) { item.waiter.resume(with: result) }
        }
        batchesInFlight -= 1
    }
}

extension Coalescer where Input == String {
    /// Group reads by key: each batch reads its distinct keys with one `fetch` (keys without a
    /// value are left out of its answer, and answer nil); a failed fetch fails its batch's calls.
    static func lookup<Value: Sendable>(
        maxBatch: Int = 128, maxConcurrent: Int, fetch: @escaping @Sendable (_ keys: [String]) async throws -> [String: Value]
    ) -> Coalescer<String, Value?> {
        Coalescer<String, Value?>(maxBatch: maxBatch, maxConcurrent: maxConcurrent) { keys in
            var distinct: [String] = []
            var seen: Set<String> = []
            for key in keys where seen.insert(key).inserted { distinct.append(key) }
            do {
                let values = try await fetch(distinct)
                return keys.map { .success(values[$0]) }
            } catch {
                return keys.map { _ in .failure(error) }
            }
        }
    }
}

extension Coalescer {
    /// Group writes: each batch is written by one `write` (one transaction or statement), which
    /// returns one output per input. If it fails, each input of the batch is written alone, so only
    /// a failing input's caller sees an error.
    static func writes(
        maxBatch: Int, maxConcurrent: Int = 1, write: @escaping @Sendable (_ inputs: [Input]) async throws -> [Output]
    ) -> Coalescer<Input, Output> {
        Coalescer(maxBatch: maxBatch, maxConcurrent: maxConcurrent) { inputs in
            do {
                return try await write(inputs).map { .success($0) }
            } catch {
                var results: [Result<Output, any Error>] = []
                for input in inputs {
                    do {
                        results.append(.success(try await write([input])[0]))
                    } catch {
                        results.append(.failure(error))
                    }
                }
                return results
            }
        }
    }
}
