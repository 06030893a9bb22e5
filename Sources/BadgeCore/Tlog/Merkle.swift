import Crypto

/// RFC 6962 §2.1 Merkle tree hashing (SHA-256), with RFC 9162 §2.1.3–2.1.4 inclusion and
/// consistency proofs. Hashes are 32-byte arrays.
public enum Merkle {
    /// A node or leaf hash.
    public typealias Hash = [UInt8]

    /// MTH({}) = SHA-256 of the empty string.
    public static let emptyRoot: Hash = Array(SHA256.hash(data: [UInt8]()))

    /// MTH({d}) = SHA-256(0x00 ‖ d).
    public static func leafHash(_ entry: [UInt8]) -> Hash {
        var hasher = SHA256()
        hasher.update(data: [0x00])
        hasher.update(data: entry)
        return Array(hasher.finalize())
    }

    /// SHA-256(0x01 ‖ left ‖ right).
    public static func nodeHash(_ left: Hash, _ right: Hash) -> Hash {
        var hasher = SHA256()
        hasher.update(data: [0x01])
        hasher.update(data: left)
        hasher.update(data: right)
        return Array(hasher.finalize())
    }

    /// The largest power of two strictly below `n` (n ≥ 2).
    static func splitPoint(_ n: Int64) -> Int64 {
        var k: Int64 = 1
        while k << 1 < n { k <<= 1 }
        return k
    }

    /// MTH over the leaf hashes `leaves` (the whole tree in memory; for small trees and tests).
    public static func root(ofLeafHashes leaves: ArraySlice<Hash>) -> Hash {
        switch leaves.count {
        case 0: return emptyRoot
        case 1: return leaves[leaves.startIndex]
        default:
            let k = Int(splitPoint(Int64(leaves.count)))
            let mid = leaves.startIndex + k
            return nodeHash(root(ofLeafHashes: leaves[..<mid]), root(ofLeafHashes: leaves[mid...]))
        }
    }

    // MARK: Proof generation

    /// The hash of leaves `[start, end)` as RFC 6962 defines MTH over that range, from
    /// `subtree(level, index)`, the hash of the complete subtree of 2^level leaves starting at leaf
    /// index << level. Ranges that proofs ask for always split into such subtrees.
    public static func rangeHash(_ start: Int64, _ end: Int64, subtree: (Int, Int64) throws -> Hash) rethrows -> Hash {
        let size = end - start
        if size == 0 { return emptyRoot }
        if size & (size - 1) == 0, start % size == 0 {
            let level = size.trailingZeroBitCount
            return try subtree(level, start >> level)
        }
        let k = splitPoint(size)
        return nodeHash(try rangeHash(start, start + k, subtree: subtree), try rangeHash(start + k, end, subtree: subtree))
    }

    /// PATH(m, D[n]) of RFC 6962 §2.1.1, leaf first.
    public static func inclusionProof(index: Int64, size: Int64, subtree: (Int, Int64) throws -> Hash) throws -> [Hash] {
        guard index >= 0, index < size else { throw MerkleError.indexOutOfRange }
        return try path(index, 0, size, subtree)
    }

    private static func path(_ m: Int64, _ start: Int64, _ end: Int64, _ subtree: (Int, Int64) throws -> Hash) throws -> [Hash] {
        let n = end - start
        if n <= 1 { return [] }
        let k = splitPoint(n)
        if m < k {
            return try path(m, start, start + k, subtree) + [try rangeHash(start + k, end, subtree: subtree)]
        }
        return try path(m - k, start + k, end, subtree) + [try rangeHash(start, start + k, subtree: subtree)]
    }

    /// PROOF(m, D[n]) of RFC 6962 §2.1.2: proves the tree of `oldSize` is a prefix of `newSize`.
    public static func consistencyProof(oldSize: Int64, newSize: Int64, subtree: (Int, Int64) throws -> Hash) throws -> [Hash] {
        guard oldSize >= 0, oldSize <= newSize else { throw MerkleError.indexOutOfRange }
        if oldSize == 0 || oldSize == newSize { return [] }
        return try subproof(oldSize, 0, newSize, true, subtree)
    }

    private static func subproof(_ m: Int64, _ start: Int64, _ end: Int64, _ complete: Bool, _ subtree: (Int, Int64) throws -> Hash) throws -> [Hash] {
        let n = end - start
        if m == n { return complete ? [] : [try rangeHash(start, end, subtree: subtree)] }
        let k = splitPoint(n)
        if m <= k {
            return try subproof(m, start, start + k, complete, subtree) + [try rangeHash(start + k, end, subtree: subtree)]
        }
        return try subproof(m - k, start + k, end, false, subtree) + [try rangeHash(start, start + k, subtree: subtree)]
    }

    // MARK: Proof verification (RFC 9162 §2.1.3.2, §2.1.4.2)

    /// The root that `proof` leads to from `leafHash` at `index` in a tree of `size`; nil when the
    /// proof has the wrong length for that position.
    public static func rootFromInclusionProof(leafHash: Hash, index: Int64, size: Int64, proof: [Hash]) -> Hash? {
        guard index >= 0, index < size, proof.allSatisfy({ $0.count == 32 }) else { return nil }
        var r = leafHash
        let fits = walk(index, size - 1, proof[...]) { p, onLeft in r = onLeft ? nodeHash(p, r) : nodeHash(r, p) }
        return fits ? r : nil
    }

    /// Whether `proof` shows `leafHash` at `index` in the tree of `size` with `root`.
    public static func verifyInclusion(leafHash: Hash, index: Int64, size: Int64, proof: [Hash], root: Hash) -> Bool {
        rootFromInclusionProof(leafHash: leafHash, index: index, size: size, proof: proof) == root
    }

    /// Whether `proof` shows the tree (`oldSize`, `oldRoot`) is a prefix of (`newSize`, `newRoot`).
    public static func verifyConsistency(oldSize: Int64, newSize: Int64, oldRoot: Hash, newRoot: Hash, proof: [Hash]) -> Bool {
        guard oldSize >= 0, oldSize <= newSize else { return false }
        if oldSize == newSize { return proof.isEmpty && oldRoot == newRoot }
        if oldSize == 0 { return proof.isEmpty }
        guard !proof.isEmpty, proof.allSatisfy({ $0.count == 32 }) else { return false }
        var path = proof[...]
        // A power-of-two old tree is its own first node.
        if oldSize & (oldSize - 1) == 0 { path = ([oldRoot] + proof)[...] }
        var fn = oldSize - 1, sn = newSize - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var fr = path.removeFirst(), sr = fr
        let fits = walk(fn, sn, path) { c, onLeft in
            if onLeft {
                fr = nodeHash(c, fr)
                sr = nodeHash(c, sr)
            } else {
                sr = nodeHash(sr, c)
            }
        }
        return fits && fr == oldRoot && sr == newRoot
    }

    /// Walks a proof path as RFC 9162 §2.1.3.2 and §2.1.4.2 both do, from node `fn` of a tree whose
    /// last node is `sn`, calling `step` with each hash and whether it is the left sibling. False
    /// when the path is too long or too short for that position.
    private static func walk(_ start: Int64, _ last: Int64, _ path: ArraySlice<Hash>, _ step: (Hash, _ onLeft: Bool) -> Void) -> Bool {
        var fn = start, sn = last
        for hash in path {
            guard sn != 0 else { return false }
            if fn & 1 == 1 || fn == sn {
                step(hash, true)
                while fn & 1 == 0, fn != 0 {
                    fn >>= 1
                    sn >>= 1
                }
            } else {
                step(hash, false)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0
    }
}

/// A proof was asked for a position outside the tree.
public enum MerkleError: Error, Sendable, Equatable {
    case indexOutOfRange
}
