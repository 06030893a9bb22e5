import BadgeCore
import Testing

/// RFC 6962 hashing, proofs and their verification.
@Suite struct MerkleTests {
    /// The inputs of the certificate-transparency test vectors (RFC 6962 reference tests).
    static let vectorLeaves: [[UInt8]] = [
        [], [0x00], [0x10], [0x20, 0x21], [0x30, 0x31], [0x40, 0x41, 0x42, 0x43],
        [0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57],
        [0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f],
    ]

    static func leafHashes(_ count: Int) -> [Merkle.Hash] {
        (0..<count).map { Merkle.leafHash(Array("entry \($0)".utf8)) }
    }

    /// Subtree hashes straight from the leaves, for proof generation in tests.
    static func subtree(_ leaves: [Merkle.Hash]) -> (Int, Int64) -> Merkle.Hash {
        { level, index in
            let start = Int(index) << level
            return Merkle.root(ofLeafHashes: leaves[start..<start + (1 << level)])
        }
    }

    @Test func knownHashes() {
        #expect(Base16.encode(Merkle.emptyRoot) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Base16.encode(Merkle.leafHash([])) == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
        let leaves = Self.vectorLeaves.map(Merkle.leafHash)
        #expect(Base16.encode(Merkle.root(ofLeafHashes: leaves[...])) == "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328")
        #expect(Base16.encode(Merkle.root(ofLeafHashes: leaves[..<2])) == "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")
    }

    @Test func leafAndNodeHashesAreDomainSeparated() {
        let a = Merkle.leafHash([1]), b = Merkle.leafHash([2])
        #expect(Merkle.nodeHash(a, b) != Merkle.leafHash(a + b))
        #expect(Merkle.nodeHash(a, b) != Merkle.nodeHash(b, a))
    }

    @Test func inclusionProofsVerifyForEveryPositionAndRejectTampering() throws {
        let all = Self.leafHashes(70)
        for size in 1...70 {
            let leaves = Array(all[..<size])
            let root = Merkle.root(ofLeafHashes: leaves[...])
            for index in 0..<size {
                let proof = try Merkle.inclusionProof(index: Int64(index), size: Int64(size), subtree: Self.subtree(leaves))
                #expect(Merkle.verifyInclusion(leafHash: leaves[index], index: Int64(index), size: Int64(size), proof: proof, root: root))
                // Another leaf, another index, a changed hash, a shortened or lengthened proof: all fail.
                #expect(!Merkle.verifyInclusion(leafHash: all[69 - index], index: Int64(index), size: Int64(size), proof: proof, root: root) || 69 - index == index)
                if size > 1 {
                    #expect(!Merkle.verifyInclusion(leafHash: leaves[index], index: Int64((index + 1) % size), size: Int64(size), proof: proof, root: root))
                    var bent = proof
                    bent[0][0] ^= 1
                    #expect(!Merkle.verifyInclusion(leafHash: leaves[index], index: Int64(index), size: Int64(size), proof: bent, root: root))
                    #expect(!Merkle.verifyInclusion(leafHash: leaves[index], index: Int64(index), size: Int64(size), proof: proof.dropLast(), root: root))
                }
                #expect(!Merkle.verifyInclusion(leafHash: leaves[index], index: Int64(index), size: Int64(size), proof: proof + [root], root: root))
            }
        }
    }

    @Test func proofsOutsideTheTreeAreRefused() {
        let leaves = Self.leafHashes(4)
        #expect(throws: MerkleError.indexOutOfRange) { try Merkle.inclusionProof(index: 4, size: 4, subtree: Self.subtree(leaves)) }
        #expect(throws: MerkleError.indexOutOfRange) { try Merkle.inclusionProof(index: -1, size: 4, subtree: Self.subtree(leaves)) }
        #expect(throws: MerkleError.indexOutOfRange) { try Merkle.consistencyProof(oldSize: 5, newSize: 4, subtree: Self.subtree(leaves)) }
        #expect(!Merkle.verifyInclusion(leafHash: leaves[0], index: 0, size: 0, proof: [], root: Merkle.emptyRoot))
    }

    @Test func consistencyProofsVerifyForEveryPairAndRejectForks() throws {
        let all = Self.leafHashes(40)
        for newSize in 1...40 {
            let leaves = Array(all[..<newSize])
            let newRoot = Merkle.root(ofLeafHashes: leaves[...])
            for oldSize in 0...newSize {
                let oldRoot = Merkle.root(ofLeafHashes: leaves[..<oldSize])
                let proof = try Merkle.consistencyProof(oldSize: Int64(oldSize), newSize: Int64(newSize), subtree: Self.subtree(leaves))
                #expect(Merkle.verifyConsistency(oldSize: Int64(oldSize), newSize: Int64(newSize), oldRoot: oldRoot, newRoot: newRoot, proof: proof))
                guard oldSize > 0, oldSize < newSize else { continue }
                // A fork: the old tree had a different last leaf.
                var forked = Array(leaves[..<oldSize])
                forked[oldSize - 1] = Merkle.leafHash([0xff])
                let forkedRoot = Merkle.root(ofLeafHashes: forked[...])
                #expect(!Merkle.verifyConsistency(oldSize: Int64(oldSize), newSize: Int64(newSize), oldRoot: forkedRoot, newRoot: newRoot, proof: proof))
                var bent = proof
                bent[bent.count - 1][5] ^= 0x80
                #expect(!Merkle.verifyConsistency(oldSize: Int64(oldSize), newSize: Int64(newSize), oldRoot: oldRoot, newRoot: newRoot, proof: bent))
            }
        }
    }
}
