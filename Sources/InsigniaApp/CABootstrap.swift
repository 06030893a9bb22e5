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
    /// bootstraps `CAService`. `production` forbids an ephemeral key. `logsCredentials`: whether
    /// every credential signed gets a transparency log entry (`LOG_ENABLED`).
    ///
    /// When the database already has an active key, a missing `keyPath` is never replaced by a new
    /// key, and start-up fails with a `CAKeyError` naming the active kid and the file expected unless
    /// this process holds that key's private half (`insignia ca recover --lost KID` is the way out).
    public static func start(
        store: any CAService.Store, clock: any RegistryClock, inlineJWK: String?, keyPath: String, production: Bool,
        logsCredentials: Bool = true
    ) async throws -> (service: CAService, keys: FileCAKeys, report: Report) {
        let directory = directory(of: keyPath)
        let inlineSet = inlineJWK?.contains { !$0.isWhitespace } == true
        let loaded: (key: PrivateJWK, kid: String, source: CAKeySource)
        if !inlineSet, !FileManager.default.fileExists(atPath: keyPath),
           let active = try await store.caKeys().first(where: { $0.state == .active }) {
            // No primary file but a CA in the database: its key must be here, never a fresh one.
            guard let existing = CAKeyFiles.loadDirectory(directory).keys[active.kid] else {
                throw missingKey(active.kid, keyPath: keyPath)
            }
            loaded = (existing, active.kid, .file)
        } else {
            loaded = try CAKeyFiles.loadPrimary(inlineJWK: inlineJWK, path: keyPath, allowEphemeral: !production, now: clock.now())
        }
        let keys = FileCAKeys(primary: loaded.key, primaryKID: loaded.kid, directory: directory)
        let service = CAService(store: store, keys: keys, clock: clock, logsCredentials: logsCredentials)
        let active = try await service.bootstrap(primary: loaded.key.publicKey, kid: loaded.kid)
        guard try await keys.signer(kid: active.kid) != nil else { throw missingKey(active.kid, keyPath: keyPath) }
        return (service, keys, Report(primaryKID: loaded.kid, source: loaded.source, activeKID: active.kid, problems: keys.problems))
    }

    /// One line: which active key is missing, where it was expected, and the two ways out.
    static func missingKey(_ kid: String, keyPath: String) -> CAKeyError {
        let rotated = (try? CAKeyFiles.path(forKID: kid, in: directory(of: keyPath))) ?? directory(of: keyPath)
        let expected = FileManager.default.fileExists(atPath: keyPath) ? rotated : "\(keyPath) (CA_KEY_PATH) or \(rotated)"
        return CAKeyError(
            "the database's active CA key \(kid) is not in the key directory: expected \(expected); restore that file "
                + "(or CA_PRIVATE_KEY_JWK), or run `insignia ca recover --lost \(kid)` to switch to a new key"
        )
    }

    /// Creates a new key in the key directory, makes it active, and retires the old one.
    public static func rotate(service: CAService, keyPath: String, actor: String = "operator:cli") async throws -> CAKeyRecord {
        let taken = Set(try await service.listKeys().map(\.record.kid))
        return try await service.rotate(actor: actor) { now in try createKey(now: now, taken: taken, keyPath: keyPath) }
    }

    /// Recovery from a lost active key: builds the CA over the key files that exist (never
    /// generating a primary key), then writes a new key to the key directory and makes it active in
    /// place of `lostKID`, which stays published until its badges expire. Audited as `ca.key.recovered`.
    public static func recover(
        store: any CAService.Store, clock: any RegistryClock, inlineJWK: String?, keyPath: String, lostKID: String
    ) async throws -> CAKeyRecord {
        var keys = CAKeyFiles.loadDirectory(directory(of: keyPath)).keys
        if let inlineJWK, inlineJWK.contains(where: { !$0.isWhitespace }) {
            let inline = try CAKeyFiles.loadPrimary(inlineJWK: inlineJWK, path: keyPath, allowEphemeral: false, now: clock.now())
            keys[inline.kid] = inline.key
        }
        let service = CAService(store: store, keys: LoadedKeys(keys: keys), clock: clock)
        let taken = Set(try await store.caKeys().map(\.kid))
        return try await service.recover(lostKID: lostKID) { now in try createKey(now: now, taken: taken, keyPath: keyPath) }
    }

    private static func createKey(now: Int64, taken: Set<String>, keyPath: String) throws -> (kid: String, key: PublicJWK) {
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

    /// The private keys found on disk (and inline), for recovery's "is it really lost" check.
    private struct LoadedKeys: CASigningKeys {
        let keys: [String: PrivateJWK]
        func signer(kid: String) async throws -> (any JWSSigner)? { keys[kid].map { Ed25519Signer(key: $0, kid: kid) } }
    }

    /// Rotated keys are kept next to the primary key file.
    public static func directory(of keyPath: String) -> String {
        URL(fileURLWithPath: keyPath).deletingLastPathComponent().path
    }
}
