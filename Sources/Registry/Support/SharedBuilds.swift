/// The latest value built per key, shared by every caller that asks within `maxAge` of its build:
/// concurrent askers share one build, so a hot route reads the database at most once per
/// `maxAge` per key however many requests arrive. `maxAge` is how late a change made by another
/// process shows; changes made in this process call `invalidate` or `store` at once.
///
/// Holds at most `capacity` keys: when full, it starts again empty (a miss only costs a build),
/// so memory stays bounded however many keys (e.g. organisations) are asked for.
actor SharedBuilds<Key: Hashable & Sendable, Value: Sendable> {
    private struct Entry {
        let build: Task<Value, any Error>
        let started: ContinuousClock.Instant
    }

    private let maxAge: Duration
    private let capacity: Int
    private var entries: [Key: Entry] = [:]

    init(maxAge: Duration, capacity: Int = 1024) {
        self.maxAge = maxAge
        self.capacity = capacity
    }

    /// The value for `key` built less than `maxAge` ago, or a new build by `build`.
    func value(for key: Key, build: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let now = ContinuousClock.now
        if let entry = entries[key], now - entry.started < maxAge {
            return try await entry.build.value
        }
        let task = Task { try await build() }
        remember(task, for: key, at: now)
        do {
            return try await task.value
        } catch {
            // A failed build is not served to later callers.
            if entries[key]?.started == now { entries[key] = nil }
            throw error
        }
    }

    /// Replaces the value for `key` with one this process has just produced (e.g. a checkpoint it signed).
    func store(_ value: Value, for key: Key) {
        remember(Task { value }, for: key, at: .now)
    }

    /// Forgets `key`: the next ask builds.
    func invalidate(_ key: Key) {
        entries[key] = nil
    }

    private func remember(_ build: Task<Value, any Error>, for key: Key, at instant: ContinuousClock.Instant) {
        if entries.count >= capacity, entries[key] == nil { entries.removeAll(keepingCapacity: true) }
        entries[key] = Entry(build: build, started: instant)
    }
}
