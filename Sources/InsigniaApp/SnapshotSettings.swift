import Foundation

/// The signed trust snapshot's settings (`SNAPSHOT_*`, issue #14).
public struct SnapshotSettings: Sendable, Equatable {
    /// `SNAPSHOT_KEY_PATH`; nil: `snapshot.jwk` beside `CA_KEY_PATH`.
    public var keyPath: String?
    /// `SNAPSHOT_TTL` in seconds (default 600): `exp - iat` of every snapshot.
    public var ttl: Int64 = 600
    /// `SNAPSHOT_REFRESH_HINT` in seconds (default 60, or half a shorter TTL): the `refresh_hint`
    /// verifiers are given, and how often an unchanged snapshot is re-signed (a fresh `iat` and
    /// `covered_until`).
    public var refreshHint: Int64 = 60

    public init() {}

    /// The key file: `keyPath`, or `snapshot.jwk` in the directory of `caKeyPath`.
    public func keyFile(caKeyPath: String) -> String {
        keyPath ?? URL(fileURLWithPath: caKeyPath).deletingLastPathComponent().appendingPathComponent("snapshot.jwk").path
    }

    /// Reads the settings; `production` demands a TTL of at least 60 s (a shorter one leaves
    /// verifiers offline for nothing: every outage longer than it makes every answer "unknown").
    static func read(_ value: (String) -> String?, production: Bool, into settings: inout SnapshotSettings) throws {
        settings.keyPath = value("SNAPSHOT_KEY_PATH")
        if let text = value("SNAPSHOT_TTL") {
            let minimum: Int64 = production ? 60 : 1
            guard let seconds = Int64(text), seconds >= minimum, seconds <= 31_536_000 else {
                let rule = production ? "from 60 (ENVIRONMENT=production) to 31536000" : "from 1 to 31536000"
                throw ConfigError("SNAPSHOT_TTL", "must be an integer number of seconds \(rule) (got '\(text)')")
            }
            settings.ttl = seconds
        }
        guard let text = value("SNAPSHOT_REFRESH_HINT") else {
            // The default re-signs at least twice per lifetime, whatever the TTL.
            settings.refreshHint = max(1, min(60, settings.ttl / 2))
            return
        }
        // A hint past the expiry would have verifiers hold expired snapshots between fetches.
        guard let seconds = Int64(text), seconds >= 1, seconds <= settings.ttl else {
            throw ConfigError("SNAPSHOT_REFRESH_HINT", "must be an integer number of seconds from 1 to SNAPSHOT_TTL (\(settings.ttl)) (got '\(text)')")
        }
        settings.refreshHint = seconds
    }
}
