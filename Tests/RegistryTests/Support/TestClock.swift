import Foundation
import Registry

/// A clock that stands still until a test moves it.
final class TestClock: RegistryClock, @unchecked Sendable {
    // @unchecked: `current` is only touched under `lock`.
    /// A multiple of 3600, so minute, quarter-hour and hour windows all start on it.
    static let start: Int64 = 1_699_999_200

    private let lock = NSLock()
    private var current: Int64

    init(_ start: Int64 = TestClock.start) { current = start }

    func now() -> Int64 { lock.withLock { current } }
    func advance(_ seconds: Int64) { lock.withLock { current += seconds } }
    func set(_ time: Int64) { lock.withLock { current = time } }
}
