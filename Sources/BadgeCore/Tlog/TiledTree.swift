/// The Merkle tree as C2SP tlog-tiles stores it: a tile at level L holds the hashes of the
/// complete subtrees of 2^(8L) leaves, 256 to a full tile. Every hash a root or proof needs
/// follows from those tiles; this type computes them from a tile reader and extends the tiles
/// as leaves arrive.
public struct TiledTree {
    /// Reads the stored hashes of tile `(level, index)` (at least as many as asked for).
    public typealias TileReader = (_ level: Int, _ index: Int64) throws -> [Merkle.Hash]

    let readTile: TileReader

    public init(readTile: @escaping TileReader) {
        self.readTile = readTile
    }

    /// The hash of the complete subtree of 2^level leaves whose first leaf is `index << level`.
    public func subtree(_ level: Int, _ index: Int64) throws -> Merkle.Hash {
        let tileLevel = level / TilePath.height, rest = level % TilePath.height
        let first = index << Int64(rest)
        let count = 1 << rest
        let tile = try readTile(tileLevel, first / Int64(TilePath.fullWidth))
        let offset = Int(first % Int64(TilePath.fullWidth))
        guard tile.count >= offset + count else { throw TiledTreeError.missingTile(level: tileLevel, index: first / Int64(TilePath.fullWidth)) }
        return Merkle.root(ofLeafHashes: tile[offset..<offset + count])
    }

    /// The root of the tree of `size` leaves.
    public func root(size: Int64) throws -> Merkle.Hash {
        try Merkle.rangeHash(0, size, subtree: subtree)
    }

    public func inclusionProof(index: Int64, size: Int64) throws -> [Merkle.Hash] {
        try Merkle.inclusionProof(index: index, size: size, subtree: subtree)
    }

    public func consistencyProof(oldSize: Int64, newSize: Int64) throws -> [Merkle.Hash] {
        try Merkle.consistencyProof(oldSize: oldSize, newSize: newSize, subtree: subtree)
    }

    /// The tiles that change when `leafHashes` are appended to a tree of `oldSize` leaves, each
    /// with all its hashes (at most 256). `readTile` must answer for the partial tiles of the old
    /// tree; full tiles never change and are not read.
    public static func extend(oldSize: Int64, leafHashes: [Merkle.Hash], readTile: TileReader) throws -> [TileContent] {
        var changed: [TileContent] = []
        let width = Int64(TilePath.fullWidth)
        var oldCount = oldSize
        var newCount = oldSize + Int64(leafHashes.count)
        var added = leafHashes
        var level = 0
        while newCount > oldCount {
            // Hashes at this level from the start of the first changing tile.
            let firstTile = oldCount / width
            var hashes = oldCount % width == 0 ? [] : Array(try readTile(level, firstTile).prefix(Int(oldCount % width)))
            guard hashes.count == Int(oldCount % width) else { throw TiledTreeError.missingTile(level: level, index: firstTile) }
            hashes += added
            var tile = firstTile
            for start in stride(from: 0, to: hashes.count, by: Int(width)) {
                changed.append(TileContent(level: level, index: tile, hashes: Array(hashes[start..<min(start + Int(width), hashes.count)])))
                tile += 1
            }
            // Each newly completed tile is one hash at the next tile level.
            let nextOld = oldCount / width
            let nextNew = newCount / width
            added = (nextOld..<nextNew).map { node in
                let offset = Int((node - firstTile) * width)
                return Merkle.root(ofLeafHashes: hashes[offset..<offset + Int(width)])
            }
            oldCount = nextOld
            newCount = nextNew
            level += 1
        }
        return changed
    }
}

/// One tile's hashes, as stored and served (concatenated, 32 bytes each).
public struct TileContent: Sendable, Equatable {
    public let level: Int
    public let index: Int64
    public let hashes: [Merkle.Hash]

    public init(level: Int, index: Int64, hashes: [Merkle.Hash]) {
        self.level = level
        self.index = index
        self.hashes = hashes
    }

    /// The tile's bytes.
    public var bytes: [UInt8] { hashes.flatMap { $0 } }

    /// Splits tile bytes into hashes; nil when the length is not a multiple of 32 or over 256 hashes.
    public static func hashes(of bytes: [UInt8]) -> [Merkle.Hash]? {
        guard bytes.count % 32 == 0, bytes.count <= 32 * TilePath.fullWidth else { return nil }
        return stride(from: 0, to: bytes.count, by: 32).map { Array(bytes[$0..<$0 + 32]) }
    }
}

/// A tile needed for a hash was not available.
public enum TiledTreeError: Error, Sendable, Equatable {
    case missingTile(level: Int, index: Int64)
}
