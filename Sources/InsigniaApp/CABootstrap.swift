import BadgeCore
import Foundation
import CAKeys
import Registry

/// Start-up of the CA: load (or create) the primary key, make the key directory available for
/// rotated keys, and agree with the database on the active key.
public enum CABootstrap {
    /// What start-up found, for logging (kids only, never key material).
    public struct Report: Sendable {
        public let primaryKID: String
        public let source: CAKeySource
        public let activeKID: String
        public let problems: [String]
    }

    /// Loads the primary key from `inlineJWK` or `keyPath` (generating it there if missing) and
    /// bootstraps `CAService`. `production` forbids an ephemeral key.
    public static func start(
        store: any CAService.Store, clock: any RegistryClock, inlineJWK: String?, keyPath: String, production: Bool
    ) async throws -> (service: CAService, keys: FileCAKeys, report: Report) {
        let (key, kid, source) = try CAKeyFiles.loadPrimary(inlineJWK: inlineJWK, path: keyPath, allowEphemeral: !production, now: clock.now())
        let keys = FileCAKeys(primary: key, primaryKID: kid, directory: directory(of: keyPath))
        let service = CAService(store: store, keys: keys, clock: clock)
        let active = try await service.bootstrap(primary: key.publicKey, kid: kid)
        return (service, keys, Report(primaryKID: kid, source: source, activeKID: active.kid, problems: keys.problems))
    }

    /// Creates a new key in the key directory, makes it active, and retires the old one.
    public static func rotate(service: CAService, keyPath: String) async throws -> CAKeyRecord {
        let taken = Set(try await service.listKeys().map(\.record.kid))
        return try await service.rotate { now in
            // Two keys made within one second would share "capiscio-ca-<now>": number the later ones.
            var kid = CAKeyFiles.newKID(now: now)
            var serial = 2
            while taken.contains(kid) {
                kid = CAKeyFiles.newKID(now: now) + "-\(serial)"
                serial += 1
            }
            let key = PrivateJWK.generate(kid: kid)
            try CAKeyFiles.write(key, to: try CAKeyFiles.path(forKID: kid, in: directory(of: keyPath)))
            return (kid, key.publicKey)
        }
    }

    /// Rotated keys are kept next to the primary key file.
    public static func directory(of keyPath: String) -> String {
        URL(fileURLWithPath: keyPath).deletingLastPathComponent().path
    }
}
