import BadgeCore
import Testing

/// C2SP tlog-tiles paths, entry bundles and the tiled tree.
@Suite struct TilePathTests {
    @Test func formatsIndicesInThreeDigitGroups() throws {
        #expect(TilePath(level: 0, index: 0)!.description == "0/000")
        #expect(TilePath(level: 1, index: 1_234_067)!.description == "1/x001/x234/067")
        #expect(TilePath(level: nil, index: 1000, width: 5)!.description == "entries/x001/000.p/5")
        #expect(TilePath(level: 2, index: 12, width: 255)!.description == "2/012.p/255")
    }

    @Test func parsesWhatItFormats() {
        for path in ["0/000", "1/x001/x234/067", "entries/x001/000.p/5", "63/999", "entries/x009/x223/x372/x036/x854/x775/807"] {
            #expect(TilePath.parse(Substring(path))?.description == path, "\(path)")
        }
        #expect(TilePath.parse("entries/x009/x223/x372/x036/x854/x775/807")?.index == Int64.max)
    }

    @Test(arguments: [
        "", "0", "0/", "/000", "0/00", "0/0000", "0/x000", "0/001/002", "0/x001", "00/000", "01/000", "64/000", "-1/000",
        "0/-01", "0/000.p/0", "0/000.p/256", "0/000.p/01", "0/000.p/", "0/000.p", "0/000.p/-1", "0/000.p/1/2",
        "entries/000.p/300", "entry/000", "0/x009/x223/x372/x036/x854/x775/808", "0/x999/x999/x999/x999/x999/x999/x999/999",
        "0/x00a/000", "0/x000/001", "1/x000/x232/067.p/5", "entries/x000/000", "0/+01", "0/ 01", "0/000/", "0//000", "1e3/000", "0/X001/000", "0/000.P/5", "0/000.p/5/", "entries",
    ])
    func refusesMalformedPaths(_ path: String) {
        #expect(TilePath.parse(Substring(path)) == nil, "\(path)")
    }

    @Test func knowsWhichTilesExist() {
        // 70 000 leaves: level-0 tiles 0…272 full and 273 partial (112 wide); level 1: 273 hashes.
        let size: Int64 = 70_000
        #expect(TilePath(level: 0, index: 272)!.exists(inTreeOf: size))
        #expect(!TilePath(level: 0, index: 273)!.exists(inTreeOf: size))
        #expect(TilePath(level: 0, index: 273, width: 112)!.exists(inTreeOf: size))
        #expect(!TilePath(level: 0, index: 273, width: 113)!.exists(inTreeOf: size))
        #expect(TilePath(level: 1, index: 1, width: 17)!.exists(inTreeOf: size))
        #expect(!TilePath(level: 1, index: 1)!.exists(inTreeOf: size))
        #expect(TilePath(level: 2, index: 0, width: 1)!.exists(inTreeOf: size), "one subtree of 65 536 leaves")
        #expect(!TilePath(level: 3, index: 0, width: 1)!.exists(inTreeOf: size))
        #expect(!TilePath(level: 63, index: 0, width: 1)!.exists(inTreeOf: Int64.max))
        #expect(!TilePath(level: 0, index: Int64.max)!.exists(inTreeOf: size))
        #expect(TilePath(level: nil, index: 273, width: 112)!.exists(inTreeOf: size))
    }

    @Test func entryBundlesAreLengthPrefixed() {
        let bundle = EntryBundle.encode([[0x61], [], Array(repeating: 0x62, count: 300)])!
        #expect(Array(bundle.prefix(5)) == [0x00, 0x01, 0x61, 0x00, 0x00])
        #expect(Array(bundle[5..<7]) == [0x01, 0x2c])
        #expect(EntryBundle.decode(bundle)?.map(\.count) == [1, 0, 300])
        #expect(EntryBundle.decode(Array(bundle.dropLast())) == nil)
        #expect(EntryBundle.encode([Array(repeating: 0, count: 65_536)]) == nil)
    }

    /// Extends a tiled tree in uneven steps across tile boundaries and checks every root and
    /// proof against the plain tree.
    @Test func tiledTreeMatchesThePlainTree() throws {
        var tiles: [String: [Merkle.Hash]] = [:]
        let read: TiledTree.TileReader = { level, index in tiles["\(level)/\(index)"] ?? [] }
        let leaves = MerkleTests.leafHashes(70_000)
        var size: Int64 = 0
        for step in [1, 254, 1, 1, 300, 65_000, 4_443] {
            let added = Array(leaves[Int(size)..<Int(size) + step])
            for tile in try TiledTree.extend(oldSize: size, leafHashes: added, readTile: read) {
                #expect(tile.hashes.count <= 256)
                tiles["\(tile.level)/\(tile.index)"] = tile.hashes
            }
            size += Int64(step)
            let tree = TiledTree(readTile: read)
            #expect(try tree.root(size: size) == Merkle.root(ofLeafHashes: leaves[..<Int(size)]))
        }
        #expect(tiles["1/0"]?.count == 256)
        #expect(tiles["1/1"]?.count == 17)
        #expect(tiles["2/0"]?.count == 1)
        let tree = TiledTree(readTile: read)
        let root = try tree.root(size: size)
        for index in [0, 255, 256, 65_535, 65_536, 69_999] as [Int64] {
            let proof = try tree.inclusionProof(index: index, size: size)
            #expect(Merkle.verifyInclusion(leafHash: leaves[Int(index)], index: index, size: size, proof: proof, root: root))
        }
        let oldRoot = try tree.root(size: 555)
        #expect(Merkle.verifyConsistency(oldSize: 555, newSize: size, oldRoot: oldRoot, newRoot: root, proof: try tree.consistencyProof(oldSize: 555, newSize: size)))
    }

    @Test func missingTilesAreReported() {
        let tree = TiledTree { _, _ in [] }
        #expect(throws: TiledTreeError.missingTile(level: 0, index: 0)) { try tree.root(size: 3) }
        #expect(throws: TiledTreeError.self) { try TiledTree.extend(oldSize: 3, leafHashes: [Merkle.emptyRoot], readTile: { _, _ in [] }) }
    }
}

/// The whole-log audit of `insignia log verify`, against a log served from memory.
@Suite struct LogAuditTests {
    /// A served log of `count` entries: path → bytes, plus its verifier key and signer.
    static func servedLog(_ count: Int, signer: NoteSigner) throws -> [String: [UInt8]] {
        let entries = (0..<count).map { Array("entry \($0)".utf8) }
        let leaves = entries.map(Merkle.leafHash)
        var files: [String: [UInt8]] = [:]
        for tile in try TiledTree.extend(oldSize: 0, leafHashes: leaves, readTile: { _, _ in [] }) {
            files["tile/\(TilePath(level: tile.level, index: tile.index, width: tile.hashes.count)!)"] = tile.bytes
        }
        for start in stride(from: 0, to: count, by: 256) {
            let chunk = Array(entries[start..<min(start + 256, count)])
            files["tile/\(TilePath(level: nil, index: Int64(start / 256), width: chunk.count)!)"] = EntryBundle.encode(chunk)
        }
        let checkpoint = Checkpoint(origin: signer.verifierKey.name, size: Int64(count), root: Merkle.root(ofLeafHashes: leaves[...]))
        files["checkpoint"] = Array(try signer.sign(checkpoint.text).serialized.utf8)
        return files
    }

    static func audit(_ files: [String: [UInt8]], _ key: NoteVerifierKey, since: String? = nil) async -> String? {
        do {
            _ = try await LogAudit(key: key) { files[$0] }.run(since: since)
            return nil
        } catch {
            return (error as? LogAuditFailure)?.description ?? "\(error)"
        }
    }

    @Test func acceptsAnHonestLogAndNamesTheFirstMismatch() async throws {
        let signer = try #require(NoteSigner(name: "log.example/tlog", key: .generate(kid: "l")))
        let key = signer.verifierKey
        let files = try Self.servedLog(600, signer: signer)
        #expect(await Self.audit(files, key) == nil)

        var changedEntry = files
        changedEntry["tile/entries/001"]![5] ^= 1
        #expect(await Self.audit(changedEntry, key)?.contains("tile/0/001 differs") == true)
        var changedTile = files
        changedTile["tile/1/000.p/2"]![0] ^= 1
        #expect(await Self.audit(changedTile, key)?.contains("tile/1/000.p/2 differs") == true)
        var missing = files
        missing["tile/entries/002.p/88"] = nil
        #expect(await Self.audit(missing, key)?.contains("entries/002.p/88 is missing") == true)
        let stranger = try #require(NoteSigner(name: "log.example/tlog", key: .generate(kid: "s")))
        #expect(await Self.audit(files, stranger.verifierKey)?.contains("not signed") == true)

        // Consistency with a checkpoint saved earlier: a prefix passes, a fork or a shrink fails.
        let earlier = String(decoding: try Self.servedLog(300, signer: signer)["checkpoint"]!, as: UTF8.self)
        #expect(await Self.audit(files, key, since: earlier) == nil)
        let fork = Checkpoint(origin: key.name, size: 300, root: Merkle.leafHash([9]))
        #expect(await Self.audit(files, key, since: try signer.sign(fork.text).serialized)?.contains("forked") == true)
        let larger = String(decoding: try Self.servedLog(700, signer: signer)["checkpoint"]!, as: UTF8.self)
        #expect(await Self.audit(files, key, since: larger)?.contains("shrank") == true)
    }
}
