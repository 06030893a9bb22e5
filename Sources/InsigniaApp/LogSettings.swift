import Foundation

/// The badge transparency log's settings (`LOG_*`, issue #13).
public struct LogSettings: Sendable, Equatable {
    /// `LOG_ENABLED` (default true): false records no entries and serves 404 under `/tlog/`.
    public var enabled = true
    /// `LOG_KEY_PATH`; nil: `log.jwk` beside `CA_KEY_PATH`.
    public var keyPath: String?
    /// `LOG_PRIVATE_KEY_JWK`: the log's Ed25519 key as inline JWK JSON; wins over the file.
    public var inlineJWK: String?
    /// `LOG_ORIGIN`; nil: `<host[:port] of CA_ISSUER_URL>/tlog`.
    public var origin: String?
    /// `LOG_CHECKPOINT_INTERVAL` in seconds (default 1): how often the tree is extended and a
    /// checkpoint signed when it grew.
    public var checkpointInterval = 1.0

    public init() {}

    /// The key file: `keyPath`, or `log.jwk` in the directory of `caKeyPath`.
    public func keyFile(caKeyPath: String) -> String {
        keyPath ?? URL(fileURLWithPath: caKeyPath).deletingLastPathComponent().appendingPathComponent("log.jwk").path
    }

    /// The origin line of checkpoints and the name of the log key.
    public func logOrigin(issuerURL: String) -> String {
        if let origin { return origin }
        let authority = issuerURL.split(separator: "/").dropFirst().first.map(String.init) ?? issuerURL
        return authority + "/tlog"
    }

    static func read(_ value: (String) -> String?, into settings: inout LogSettings) throws {
        if let flag = value("LOG_ENABLED") {
            guard ["true", "1", "false", "0"].contains(flag.lowercased()) else {
                throw ConfigError("LOG_ENABLED", "must be true or false (got '\(flag)')")
            }
            settings.enabled = ["true", "1"].contains(flag.lowercased())
        }
        settings.keyPath = value("LOG_KEY_PATH")
        settings.inlineJWK = value("LOG_PRIVATE_KEY_JWK")
        if let origin = value("LOG_ORIGIN") {
            // The origin is a signed-note key name: no spaces, no '+', printable.
            guard origin.utf8.count <= 255, origin.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f && $0 != "+" }) else {
                throw ConfigError("LOG_ORIGIN", "must be printable ASCII without spaces or '+', at most 255 characters (got '\(origin)')")
            }
            settings.origin = origin
        }
        if let text = value("LOG_CHECKPOINT_INTERVAL") {
            guard let seconds = Double(text), seconds >= 0.01, seconds <= 3600 else {
                throw ConfigError("LOG_CHECKPOINT_INTERVAL", "must be a number of seconds from 0.01 to 3600 (got '\(text)')")
            }
            settings.checkpointInterval = seconds
        }
    }
}
