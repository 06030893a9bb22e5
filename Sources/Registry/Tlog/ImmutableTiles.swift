import BadgeCore
import Foundation

/// Full tiles and entry bundles already served: once the tree covers a full tile its bytes never
/// change (the log is append-only), so they are read from the database once, not per request.
///
/// Bounded by bytes: when the next tile would pass `maxBytes`, it starts again empty (a miss only
/// costs one read); auditors fetch tiles in order, so keeping recent ones is what matters.
final class ImmutableTiles: @unchecked Sendable {
    // @unchecked: `tiles` and `bytes` are only touched under `lock`.
    private let lock = NSLock()
    private var tiles: [TilePath: [UInt8]] = [:]
    private var bytes = 0
    private let maxBytes: Int

    init(maxBytes: Int = 32 << 20) {
        self.maxBytes = maxBytes
    }

    subscript(path: TilePath) -> [UInt8]? {
        get { lock.withLock { tiles[path] } }
        set {
            guard let newValue, path.isFull else { return }
            lock.withLock {
                if bytes + newValue.count > maxBytes {
                    tiles.removeAll(keepingCapacity: true)
                    bytes = 0
                }
                if tiles.updateValue(newValue, forKey: path) == nil { bytes += newValue.count }
            }
        }
    }
}
