import BadgeCore
import Foundation
import InsigniaApp
import InsigniaHTTP

/// A verified snapshot in the files capiscio-core's offline verifier reads, so an unmodified
/// `capiscio` CLI verifies with our state (issue #14):
/// - `cache/revocations.json`: `{"syncedAt": RFC 3339, "revocations": [{"jti", "revokedAt": RFC 3339,
///   "reason"?}]}` — capiscio-core `pkg/revocation/cache.go` (`cacheData`, `Revocation`; Go
///   `time.Time` reads RFC 3339). `syncedAt` is the snapshot's `iat`, so capiscio's own
///   staleness check (5 minutes by default) measures the state's age, not the export's.
/// - `trust/<kid>.jwk`: one public JWK per CA key usable now, named by `kid` with `/ \ : * ? " < > |`
///   replaced by `_`, and `trust/issuers.json` `{issuer: [kid, …]}` — capiscio-core
///   `pkg/trust/store.go` (`FileStore.keyPath`, `sanitizeFilename`, `issuersPath`), the store
///   `cmd/capiscio/trust.go` manages. Other issuers' entries and key files are left alone.
/// Directories are created 0700 and files written 0600, as capiscio does.
struct CapiscioExport {
    let snapshot: TrustSnapshot
    let now: Int64

    /// `cache/revocations.json`.
    var revocationsJSON: JSONValue {
        [
            "syncedAt": .string(Timestamp.rfc3339(snapshot.iat)),
            "revocations": .array(snapshot.revoked.map { entry in
                var members: [String: JSONValue] = ["jti": .string(entry.jti), "revokedAt": .string(Timestamp.rfc3339(entry.revokedAt))]
                if let reason = entry.reason, !reason.isEmpty { members["reason"] = .string(reason) }
                return .object(members)
            }),
        ]
    }

    /// The CA keys a badge may carry now, as JWKs with `kid`, `alg` and `use`, the active key
    /// first: `capiscio badge verify --offline` takes the first key `issuers.json` maps the
    /// issuer to (capiscio-core `cmd/capiscio/badge.go`, `TrustStoreRegistry.GetPublicKey`), so
    /// badges signed by a retiring key verify only with our own verifier.
    var keys: [(kid: String, jwk: JSONValue)] {
        let usable = snapshot.keys.filter { $0.usable(at: now) }
        return (usable.filter { $0.state == .active } + usable.filter { $0.state != .active })
            .map { ($0.kid, $0.key.json(kid: $0.kid, alg: true, use: true)) }
    }

    /// capiscio-core's file name for a `kid`.
    static func fileName(kid: String) -> String {
        String(kid.map { "/\\:*?\"<>|".contains($0) ? "_" : $0 }) + ".jwk"
    }

    /// Writes both parts under `directory`; returns the counts written.
    func write(to directory: String) throws -> (revocations: Int, keys: Int) {
        let cache = directory + "/cache", trust = directory + "/trust"
        for path in [directory, cache, trust] { try PrivateFiles.directory(path) }
        try PrivateFiles.write(StoredJSON.line(revocationsJSON), to: cache + "/revocations.json")

        let issuersPath = trust + "/issuers.json"
        var issuers: [String: JSONValue] = [:]
        if let bytes = try PrivateFiles.read(issuersPath) {
            guard let existing = (try? JSONValue.parse(bytes))?.objectValue else {
                throw CommandError("\(issuersPath) is not a JSON object; move it away to export")
            }
            issuers = existing
        }
        // Keys this issuer no longer lists leave capiscio's store too.
        let current = Set(keys.map(\.kid))
        for old in issuers[snapshot.iss]?.arrayValue?.compactMap(\.stringValue) ?? [] where !current.contains(old) {
            unlink(trust + "/" + Self.fileName(kid: old))
        }
        for key in keys {
            try PrivateFiles.write(StoredJSON.line(key.jwk), to: trust + "/" + Self.fileName(kid: key.kid))
        }
        issuers[snapshot.iss] = .array(keys.map { .string($0.kid) })
        try PrivateFiles.write(StoredJSON.line(.object(issuers)), to: issuersPath)
        return (snapshot.revoked.count, keys.count)
    }
}
