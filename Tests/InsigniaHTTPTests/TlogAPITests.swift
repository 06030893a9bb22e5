import BadgeCore
import Crypto
import Foundation
import Registry
import StoreConformance
import Testing

/// The badge transparency log over HTTP (issue #13): entries sequenced with issuance, tiles,
/// checkpoints and proofs verified with BadgeCore's independent checks.
@Suite struct TlogAPITests {
    /// Issues `count` IAL-0 badges and returns their tokens.
    static func issueBadges(_ app: TestApp, count: Int) async throws -> [String] {
        let tenant = try await app.tenant()
        let agentID = try await app.keyedAgent(tenant)
        var tokens: [String] = []
        for _ in 0..<count {
            let response = try await app.issue(tenant, agentID)
            #expect(response.status == .ok)
            let token = try #require(response.data["token"]?.stringValue)
            tokens.append(token)
            // Every 200 answer names the log index its badge got in the ledger transaction (none
            // with the log off).
            let jti = try CompactJWS.parse(token).payload["jti"]!.stringValue!
            let index = try await app.store.logEntries(jti: jti).first?.index
            #expect(response.data["log_index"] == index.map(JSONValue.int) && (index != nil) == app.config.log.enabled)
        }
        return tokens
    }

    static func verifierKey(_ app: TestApp) async throws -> NoteVerifierKey {
        let response = try await app.request(.get, "/tlog/vkey")
        #expect(response.status == .ok)
        #expect(response.headers[.contentType] == "text/plain; charset=utf-8")
        return try #require(NoteVerifierKey(response.text.trimmingCharacters(in: .newlines)))
    }

    @Test(arguments: TestBackend.available)
    func everyBadgeIsLoggedAndProvable(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tokens = try await Self.issueBadges(app, count: 5)
            let jti = try CompactJWS.parse(tokens[2]).payload["jti"]!.stringValue!
            // Sequenced but not yet integrated: a 404 that says when to come back.
            let early = try await app.request(.get, "/v1/badges/\(jti)/proof")
            #expect(early.status == .notFound)
            #expect(early.errorCode == "not_yet_logged")
            #expect(early.headers[.retryAfter] == "1")
            #expect(try await app.request(.get, "/tlog/checkpoint").status == .notFound)

            let log = try #require(app.log)
            let before = try await app.request(.get, "/metrics").text
            #expect(before.contains("insignia_tlog_integration_lag_entries 5"), "five entries wait for integration")
            #expect(try await log.integrate() == 5)
            let after = try await app.request(.get, "/metrics").text
            #expect(after.contains("insignia_tlog_tree_size 5") && after.contains("insignia_tlog_integration_lag_entries 0"))
            #expect(after.contains("insignia_tlog_checkpoint_age_seconds 0"))
            #expect(try await log.integrate() == nil, "nothing new: no second checkpoint")
            let vkey = try await Self.verifierKey(app)
            #expect(vkey.name == "registry.test.example/tlog")
            let served = try await app.request(.get, "/tlog/checkpoint")
            #expect(served.status == .ok)
            #expect(served.headers[.contentType] == "text/plain; charset=utf-8")
            #expect(served.headers[.cacheControl] == "public, max-age=1")
            let checkpoint = try #require(Checkpoint.open(served.text, verifier: vkey))
            #expect(checkpoint.size == 5)

            // The entries bundle holds each badge's canonical entry, and its leaves give the root.
            let bundle = try await app.request(.get, "/tlog/tile/entries/000.p/5")
            #expect(bundle.status == .ok)
            #expect(bundle.headers[.contentType] == "application/octet-stream")
            let entries = try #require(EntryBundle.decode(bundle.body))
            #expect(entries.count == 5)
            #expect(Merkle.root(ofLeafHashes: entries.map(Merkle.leafHash)[...]) == checkpoint.root)
            let tile = try await app.request(.get, "/tlog/tile/0/000.p/5")
            #expect(tile.body == entries.map(Merkle.leafHash).flatMap { $0 })
            for (entry, token) in zip(entries, tokens) {
                let json = try JSONValue.parse(entry)
                #expect(json["type"] == "badge")
                #expect(json["sha256"] == .string(Base16.encode(SHA256Digest.of(token))))
                #expect(json["ial"] == "0" && json["level"] == "1")
                #expect(entry == json.serialized(), "canonical JSON: sorted keys, no whitespace")
            }

            // The proof file verifies offline against the signed checkpoint.
            let proof = try await app.request(.get, "/v1/badges/\(jti)/proof")
            #expect(proof.status == .ok)
            let parsed = try #require(TlogProof.parse(proof.text))
            #expect(parsed.index == 2)
            #expect(try parsed.verify(entry: entries[2], key: vkey).get() == checkpoint)
            #expect(parsed.verify(entry: entries[1], key: vkey) == .failure(.inclusion))
            let json = try await app.request(.get, "/v1/badges/\(jti)/proof", headers: [.accept: "application/json"])
            #expect(json.json["index"] == 2)
            #expect(json.json["entry"] == .string(String(decoding: entries[2], as: UTF8.self)))
            #expect(json.json["leaf_hash"] == .string(Base64Std.encode(Merkle.leafHash(entries[2]))))
            #expect(json.json["inclusion"]?.arrayValue?.compactMap(\.stringValue) == parsed.inclusion.map { Base64Std.encode($0) })
            #expect(json.json["checkpoint"] == .string(served.text))

            let lookup = try await app.request(.get, "/v1/tlog/entries?jti=\(jti)")
            let subject = try CompactJWS.parse(tokens[2]).payload["sub"] ?? .null
            #expect(lookup.json == ["entries": [["index": 2, "jti": .string(jti), "sub": subject, "type": "badge"]]])
            let sub = try CompactJWS.parse(tokens[0]).payload["sub"]!.stringValue!
            let bySubject = try await app.request(.get, "/v1/tlog/entries?sub=\(sub.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)")
            #expect(bySubject.json["entries"]?.arrayValue?.count == 5)
            #expect(try await app.request(.get, "/v1/tlog/entries").status == .badRequest)
            #expect(try await app.request(.get, "/v1/badges/unknown-jti/proof").status == .notFound)
        }
    }

    /// MCP server badges (issue #12) go through the same ledger path and are logged and provable.
    @Test(arguments: TestBackend.available)
    func serverBadgesAreLoggedToo(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let key = ServerKey()
            let id = try await app.createServer(tenant, key)
            let issued = try await app.issueServerBadge(tenant, id, ["domain": "mcp.example.com"])
            let token = try #require(issued.data["badge"]?.stringValue)
            let jti = try #require(try CompactJWS.parse(token).payload["jti"]?.stringValue)
            try await app.log?.integrate()
            let proof = try #require(TlogProof.parse(try await app.request(.get, "/v1/badges/\(jti)/proof").text))
            let entry = try #require(LogEntry(token: token))
            #expect(entry.sub == key.did)
            #expect(try proof.verify(entry: entry.bytes, key: try await Self.verifierKey(app)).get().size == 1)
        }
    }

    @Test(arguments: TestBackend.available)
    func checkpointsStayConsistentAcrossTileBoundaries(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let log = try #require(app.log)
            let vkey = try await Self.verifierKey(app)
            var previous: Checkpoint?
            // Entries recorded with bare ledger rows (as the ledger transaction does), integrated in
            // uneven rounds across the first tile boundary.
            for round in [3, 250, 10, 1] {
                _ = try await app.store.inTransaction { tx in
                    try await StoreConformance.recordLogged((0..<round).map { _ in LogEntryRecord(jti: UUID().uuidString, subject: "s", type: "badge", data: "{\"n\":\"\(UUID().uuidString)\"}") }, in: tx)
                }
                try await log.integrate()
                let current = try #require(Checkpoint.open(try await app.request(.get, "/tlog/checkpoint").text, verifier: vkey))
                if let previous {
                    let cache = TileFetcher(app: app)
                    let proof = try await cache.consistency(old: previous.size, new: current.size)
                    #expect(Merkle.verifyConsistency(oldSize: previous.size, newSize: current.size, oldRoot: previous.root, newRoot: current.root, proof: proof))
                }
                previous = current
            }
            #expect(previous?.size == 264)
            let full = try await app.request(.get, "/tlog/tile/0/000")
            #expect(full.status == .ok && full.body.count == 8192)
            #expect(full.headers[.cacheControl] == "public, max-age=31536000, immutable")
            #expect(try await app.request(.get, "/tlog/tile/1/000.p/1").body.count == 32)
            #expect(try await app.request(.get, "/tlog/tile/entries/000").status == .ok)
            #expect(try await app.request(.get, "/tlog/tile/0/001.p/8").status == .ok)
            #expect(try await app.request(.get, "/tlog/tile/0/001.p/9").status == .notFound, "beyond the tree")
            #expect(try await app.request(.get, "/tlog/tile/0/001").status == .notFound)
            #expect(try await app.request(.get, "/tlog/tile/1/000").status == .notFound)
        }
    }

    @Test(arguments: TestBackend.available)
    func malformedTilePathsAreClientErrors(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            _ = try await Self.issueBadges(app, count: 1)
            try await app.log?.integrate()
            for path in ["0/000.p/0", "0/000.p/256", "0/-1", "-1/000", "0/x009/x223/x372/x036/x854/x775/808", "0/1", "64/000", "entries/000.p/01",
                         "0/x999/x999/x999/x999/x999/x999/x999/999", "0/000.p/1/extra", "foo", "0/%00"] {
                let status = try await app.request(.get, "/tlog/tile/\(path)").status
                #expect(status == .badRequest || status == .notFound, "\(path): \(status)")
            }
            #expect(try await app.request(.get, "/tlog/tile/63/x009/x223/x372/x036/x854/x775/807").status == .notFound, "huge index")
        }
    }

    @Test(arguments: TestBackend.available)
    func disabledLogRecordsNothingAndServesNothing(backend: TestBackend) async throws {
        try await TestApp.run(backend, configure: { $0.log.enabled = false }) { app in
            _ = try await Self.issueBadges(app, count: 2)
            #expect(app.log == nil)
            #expect(try await app.store.sequencedLogSize() == 0)
            for path in ["/tlog/checkpoint", "/tlog/vkey", "/tlog/tile/0/000.p/1", "/v1/tlog/entries?jti=x"] {
                let response = try await app.request(.get, path)
                #expect(response.status == .notFound && response.errorCode == "not_found", "\(path)")
                #expect(response.json["message"] == "the transparency log is disabled on this server (LOG_ENABLED=false)")
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func noCheckpointBeforeTheFirstIntegration(backend: TestBackend) async throws {
        try await TestApp.run(backend, configure: { $0.log.enabled = true }) { app in
            let response = try await app.request(.get, "/tlog/checkpoint")
            #expect(response.status == .notFound && response.json["message"] == "no checkpoint has been signed yet")
        }
    }
}

/// Consistency proofs computed by a client from the served tiles alone.
struct TileFetcher {
    let app: TestApp

    func consistency(old: Int64, new: Int64) async throws -> [Merkle.Hash] {
        // Fetch every tile the computation asks for, then compute (tiles are served up to `new`).
        var tiles: [String: [Merkle.Hash]] = [:]
        for _ in 0..<2 {
            let snapshot = tiles
            var wanted: Set<String> = []
            let tree = TiledTree { level, index in
                let key = "\(level)/\(index)"
                if let known = snapshot[key] { return known }
                wanted.insert(key)
                return Array(repeating: Merkle.emptyRoot, count: 256)
            }
            let proof = try tree.consistencyProof(oldSize: old, newSize: new)
            if wanted.isEmpty { return proof }
            for key in wanted {
                let parts = key.split(separator: "/")
                let level = Int(parts[0])!, index = Int64(parts[1])!
                let nodes = new >> Int64(8 * level)
                let width = Int(min(256, nodes - index * 256))
                let path = TilePath(level: level, index: index, width: width)!
                let response = try await app.request(.get, "/tlog/tile/\(path)")
                tiles[key] = TileContent.hashes(of: response.body) ?? []
            }
        }
        throw TiledTreeError.missingTile(level: -1, index: -1)
    }
}

/// SHA-256 for test expectations.
enum SHA256Digest {
    static func of(_ text: String) -> [UInt8] {
        Array(Crypto.SHA256.hash(data: Array(text.utf8)))
    }
}
