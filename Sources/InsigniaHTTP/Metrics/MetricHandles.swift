import Foundation

/// Metric handles by label values, made on first use and kept.
///
/// The Prometheus registry takes a lock and builds label strings on every `make…` call; after the
/// first event for a label set, this costs one dictionary lookup under an uncontended lock.
final class MetricHandles<Labels: Hashable & Sendable, Handle: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var handles: [Labels: Handle] = [:]
    private let make: @Sendable (Labels) -> Handle

    init(_ make: @escaping @Sendable (Labels) -> Handle) {
        self.make = make
    }

    subscript(labels: Labels) -> Handle {
        lock.withLock {
            if let handle = handles[labels] { return handle }
            let handle = make(labels)
            handles[labels] = handle
            return handle
        }
    }
}
