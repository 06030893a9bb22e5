import ArgumentParser
import BadgeCore
import Foundation

/// Where a command gets its verified trust state: `--snapshot FILE`, `--server URL`, or the state
/// directory alone; pins from `--trust FILE` or on first use of `--server`.
struct SnapshotSourceOptions: ParsableArguments {
    @Option(help: "A snapshot as served by GET /v1/trust/snapshot (compact JWS), verified fully offline against the pinned keys.")
    var snapshot: String?
    @Option(help: "The issuer's server: fetch its snapshot (or the delta since the held state); pins its keys on first use.")
    var server: String?
    @Option(help: "State directory: pinned keys, highest sequence seen, last verified state (default ~/.insignia/verify).")
    var state: String?
    @Option(help: "Pin the issuer and keys from this file, as written by `insignia trust anchor`.")
    var trust: String?

    func validate() throws {
        if snapshot != nil && server != nil { throw ValidationError("give --snapshot or --server, not both") }
    }
}

/// Runs the trust side of offline verification: pinning, fetching or reading the snapshot,
/// accepting it over the held state (rollback, equivocation, deltas) and saving the result.
///
/// Throws ``TrustSnapshotError`` when the snapshot is refused (the command reports it as an
/// invalid answer) and ``CommandError`` (or a fetch error) for usage and I/O problems.
struct SnapshotSource {
    let options: SnapshotSourceOptions
    let now: Int64

    func load() async throws -> (anchor: TrustAnchor, state: SnapshotTrustState) {
        // Inputs first: a missing file is an I/O error whatever is pinned.
        let snapshotFile = try options.snapshot.map { file in
            guard let bytes = try PrivateFiles.read(file) else { throw CommandError("\(file) does not exist") }
            return Self.token(bytes)
        }
        let directory = try VerifierStateDir(path: options.state)
        return try await directory.locked { try await load(directory, snapshotFile: snapshotFile) }
    }

    private func load(_ directory: VerifierStateDir, snapshotFile: String?) async throws
        -> (anchor: TrustAnchor, state: SnapshotTrustState)
    {
        var anchor = try directory.loadAnchor()
        var held = try directory.loadState()
        if let file = options.trust {
            guard let bytes = try PrivateFiles.read(file) else { throw CommandError("\(file) does not exist") }
            let pinned = try StoredJSON.decode(bytes, from: file, TrustAnchor.init(json:))
            if pinned != anchor {
                if pinned.issuer != anchor?.issuer {
                    directory.dropState()
                    held = nil
                }
                try directory.save(pinned)
                Announce.pinned(pinned, how: "from \(file)")
                anchor = pinned
            }
        }
        var fetched: String?
        if anchor == nil, let server = options.server {
            let first = try await IssuerTrust(server: server).anchorOnFirstUse(now: now)
            try directory.save(first.anchor)
            Announce.pinned(first.anchor, how: "on first use of \(server)")
            (anchor, fetched) = (first.anchor, first.snapshot)
        }
        guard let anchor else {
            throw TrustSnapshotError(.untrusted, "no keys are pinned in \(directory.path): use --server URL or --trust FILE first")
        }
        let acceptor = SnapshotAcceptor(anchor: anchor)
        if let snapshotFile {
            let accepted = try acceptor.accept(snapshotFile, held: held, now: now)
            try directory.save(accepted)
            held = accepted
        } else if let server = options.server {
            let token: String
            if let fetched { token = fetched } else { token = try await IssuerTrust(server: server).snapshot(since: held?.sequence) }
            let accepted = try acceptor.accept(token, held: held, now: now)
            try directory.save(accepted)
            held = accepted
        }
        guard let held else {
            throw CommandError("no snapshot is held in \(directory.path): pass --snapshot FILE or --server URL")
        }
        return (anchor, held)
    }

    /// The compact JWS in a file or body, without surrounding whitespace.
    static func token(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// The issuer's public trust routes: `/.well-known/jwks.json`, `/v1/trust/snapshot-keys`,
/// `/v1/trust/snapshot[?since=N]`.
struct IssuerTrust {
    let http: OriginHTTP

    init(server: String) {
        http = OriginHTTP(origin: server, maxBodyBytes: TrustSnapshotJWS.maxTokenLength)
    }

    /// The issuer's keys and a full snapshot they verify, for trust on first use. The issuer is
    /// the snapshot's `iss`: it is what the badges name, whatever URL reached the server.
    func anchorOnFirstUse(now: Int64) async throws -> (anchor: TrustAnchor, snapshot: String) {
        let badgeKeys = try TrustAnchor.keys(fromJWKS: try JSONValue.parse(try await http.require(".well-known/jwks.json")), "/.well-known/jwks.json")
        let snapshotKeys = try TrustAnchor.keys(fromJWKS: try JSONValue.parse(try await http.require("v1/trust/snapshot-keys")), "/v1/trust/snapshot-keys")
        let token = try await snapshot(since: nil)
        let document = try TrustSnapshotJWS.verify(token, keys: snapshotKeys, badgeKeys: badgeKeys.map(\.key), now: now)
        // Through JSON once more: the anchor's own rules (kids on snapshot keys, disjoint sets).
        let anchor = try TrustAnchor(json: TrustAnchor(issuer: document.iss, badgeKeys: badgeKeys, snapshotKeys: snapshotKeys).json)
        return (anchor, token)
    }

    /// The snapshot, or the delta since `since` when the server has one; a delta for another
    /// base than asked is answered by fetching the full snapshot.
    func snapshot(since: UInt64?) async throws -> String {
        guard let since else { return SnapshotSource.token(try await http.require("v1/trust/snapshot")) }
        let token = SnapshotSource.token(try await http.require("v1/trust/snapshot?since=\(since)"))
        // Routing only: the acceptor verifies whatever comes back.
        if let peek = try? CompactJWS.parse(token, maxLength: TrustSnapshotJWS.maxTokenLength),
            peek.payload["kind"] == "delta", peek.payload["since"] != .int(Int64(clamping: since))
        {
            return try await snapshot(since: nil)
        }
        return token
    }
}

/// Lines on stderr about what was pinned, with RFC 7638 thumbprints to compare out of band.
enum Announce {
    static func pinned(_ anchor: TrustAnchor, how: String) {
        var lines = ["insignia: pinned issuer \(anchor.issuer) \(how); compare these key fingerprints (RFC 7638 SHA-256 thumbprints) with the operator's:"]
        lines += anchor.badgeKeys.map { "  badge key    \($0.kid ?? "(no kid)")  \($0.key.thumbprint())" }
        lines += anchor.snapshotKeys.map { "  snapshot key \($0.kid ?? "(no kid)")  \($0.key.thumbprint())" }
        FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }
}
