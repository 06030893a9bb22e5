import BadgeCore

/// The tiles one computation over the tree needs, read from the store once: a first pass with
/// placeholder hashes records which tiles the computation reads, they are fetched, and the
/// second pass runs on them. Tiles computed in memory (`put`) take precedence over stored ones.
final class LogTileCache {
    private struct Key: Hashable {
        let level: Int
        let index: Int64
    }

    private let store: any TransparencyLogStore
    private var tiles: [Key: [Merkle.Hash]] = [:]

    init(store: any TransparencyLogStore) {
        self.store = store
    }

    func put(_ changed: [TileContent]) {
        for tile in changed { tiles[Key(level: tile.level, index: tile.index)] = tile.hashes }
    }

    /// Runs `compute` over the tiles it needs.
    func run<T>(_ compute: (TiledTree) throws -> T) async throws -> T {
        var wanted: Set<Key> = []
        let placeholder = [Merkle.Hash](repeating: Merkle.emptyRoot, count: TilePath.fullWidth)
        _ = try compute(TiledTree { level, index in
            wanted.insert(Key(level: level, index: index))
            return placeholder
        })
        for key in wanted where tiles[key] == nil {
            let bytes = try await store.logTile(level: key.level, index: key.index)
            tiles[key] = bytes.flatMap(TileContent.hashes(of:)) ?? []
        }
        let known = tiles
        return try compute(TiledTree { level, index in known[Key(level: level, index: index)] ?? [] })
    }

    /// Loads the partial tiles of the tree of `size` that appending to it reads.
    func loadPartialTiles(of size: Int64) async throws {
        var count = size
        var level = 0
        while count > 0 {
            let width = Int64(TilePath.fullWidth)
            if count % width != 0 {
                let key = Key(level: level, index: count / width)
                if tiles[key] == nil {
                    tiles[key] = try await store.logTile(level: level, index: count / width).flatMap(TileContent.hashes(of:)) ?? []
                }
            }
            count /= width
            level += 1
        }
    }

    /// Reads a loaded tile (for `TiledTree.extend`).
    func read(level: Int, index: Int64) -> [Merkle.Hash] {
        tiles[Key(level: level, index: index)] ?? []
    }
}
