import Foundation

/// A small map of recent database reads, bounded in size and age, behind the store's
/// `ReadFreshness.recent` reads. Never a source of truth: callers that cannot re-check read
/// `.current`.
final class RecentReads<Value: Sendable>: @unchecked Sendable {
    // @unchecked: `entries` is only touched under `lock`.
    private let lock = NSLock()
    private var entries: [String: (value: Value, readAt: Int64)] = [:]
    /// Seconds an entry is served after it was read.
    let lifetime: Int64
    /// Entries held at most; when full, the map starts again empty (cheap, and a miss only costs a read).
    let capacity: Int

    init(lifetime: Int64 = 30, capacity: Int = 4096) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// The value read for `key` less than `maxAge` (and `lifetime`) seconds before `now`.
    func value(_ key: String, now: Int64, maxAge: Int64? = nil) -> Value? {
        let age = min(maxAge ?? lifetime, lifetime)
        return lock.withLock {
            guard let entry = entries[key], now - entry.readAt < age, now >= entry.readAt else { return nil }
            return entry.value
        }
    }

    func remember(_ value: Value, for key: String, now: Int64) {
        lock.withLock {
            if entries.count >= capacity, entries[key] == nil { entries.removeAll(keepingCapacity: true) }
            entries[key] = (value, now)
        }
    }

    func forget(_ key: String) {
        lock.withLock { _ = entries.removeValue(forKey: key) }
    }

    /// Forgets every entry whose value matches `predicate` (a scan: for rare writes).
    func forget(where predicate: (Value) -> Bool) {
        lock.withLock { entries = entries.filter { !predicate($0.value.value) } }
    }

    func forgetAll() {
        lock.withLock { entries.removeAll(keepingCapacity: true) }
    }
}
