/// A whole-log audit over the public tlog-tiles interface: fetch the checkpoint, every entry
/// bundle and every hash tile, recompute the tree, and check the signature, the served tiles, the
/// root and (optionally) the consistency with a checkpoint saved earlier. Used by
/// `insignia log verify`; the fetching is the caller's (paths are relative to `<origin>/tlog/`).
public struct LogAudit {
    /// Fetches `path` below the log prefix; nil for a 404.
    public typealias Fetch = (_ path: String) async throws -> [UInt8]?

    let fetch: Fetch
    let key: NoteVerifierKey

    public init(key: NoteVerifierKey, fetch: @escaping Fetch) {
        self.key = key
        self.fetch = fetch
    }

    /// Audits the log; returns the verified checkpoint and its note. Throws `LogAuditFailure`
    /// naming the first mismatch.
    public func run(since saved: String? = nil) async throws -> (checkpoint: Checkpoint, note: String) {
        guard let noteBytes = try await fetch("checkpoint") else { throw LogAuditFailure("no checkpoint served") }
        let note = String(decoding: noteBytes, as: UTF8.self)
        guard let checkpoint = Checkpoint.open(note, verifier: key) else {
            throw LogAuditFailure("the checkpoint is not signed by \(key.name)+\(Base16.encode(UInt64(key.keyID), width: 8)) or is malformed")
        }
        var leaves: [Merkle.Hash] = []
        leaves.reserveCapacity(Int(checkpoint.size))
        let width = Int64(TilePath.fullWidth)
        var bundle: Int64 = 0
        while Int64(leaves.count) < checkpoint.size {
            let count = Int(min(width, checkpoint.size - bundle * width))
            let path = TilePath(level: nil, index: bundle, width: count)!
            guard let bytes = try await fetch("tile/\(path)"), let entries = EntryBundle.decode(bytes), entries.count == count else {
                throw LogAuditFailure("entry bundle tile/\(path) is missing or malformed")
            }
            leaves += entries.map(Merkle.leafHash)
            bundle += 1
        }
        for tile in try TiledTree.extend(oldSize: 0, leafHashes: leaves, readTile: { _, _ in [] }) {
            let path = TilePath(level: tile.level, index: tile.index, width: tile.hashes.count)!
            guard let served = try await fetch("tile/\(path)") else { throw LogAuditFailure("tile/\(path) is missing") }
            guard served == tile.bytes else { throw LogAuditFailure("tile/\(path) differs from the tree recomputed from the entries") }
        }
        guard Merkle.root(ofLeafHashes: leaves[...]) == checkpoint.root else {
            throw LogAuditFailure("the root recomputed from \(checkpoint.size) entries differs from the checkpoint's")
        }
        if let saved {
            guard let old = Checkpoint.open(saved, verifier: key) else { throw LogAuditFailure("the saved checkpoint is not signed by this log's key") }
            guard old.size <= checkpoint.size else {
                throw LogAuditFailure("the saved checkpoint has \(old.size) entries, more than the served \(checkpoint.size): the log shrank")
            }
            guard Merkle.root(ofLeafHashes: leaves[..<Int(old.size)]) == old.root else {
                throw LogAuditFailure("the saved checkpoint of \(old.size) entries is not a prefix of the served tree: the log forked")
            }
        }
        return (checkpoint, note)
    }
}

/// The first thing a log audit found wrong.
public struct LogAuditFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}

extension LogEntry {
    /// The log entry of a badge or DV grant from its compact JWS, as the CA logged it; nil when the
    /// token is not a JWS with the claims an entry needs.
    public init?(token: String) {
        guard let jws = try? CompactJWS.parse(token), let kid = jws.header["kid"]?.stringValue,
              let jti = jws.payload["jti"]?.stringValue, let iss = jws.payload["iss"]?.stringValue,
              let sub = jws.payload["sub"]?.stringValue, let iat = jws.payload["iat"]?.intValue,
              let exp = jws.payload["exp"]?.intValue else { return nil }
        let isGrant = jws.header["typ"]?.stringValue == "capiscio.dvgrant+jwt"
        self.init(
            kind: isGrant ? .dvGrant : .badge, jti: jti, iss: iss, sub: sub, kid: kid,
            level: isGrant ? nil : jws.payload["vc"]?["credentialSubject"]?["level"]?.stringValue,
            ial: isGrant ? nil : jws.payload["ial"]?.stringValue, iat: iat, exp: exp, token: token
        )
    }
}
