import BadgeCore
import CAKeys
import Foundation
import InsigniaApp
import StoreConformance
import Registry
import Testing

/// The transparency log key at start-up (issue #13): generated once (0600), then never replaced
/// silently — a different key, another origin or a lost file is refused once the log has signed.
@Suite struct LogKeyTests {
    private struct Setup {
        let directory: URL
        let config: AppConfig
        let store: any RegistryStore

        init(store: any RegistryStore, origin: String? = nil) {
            self.store = store
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("insignia-logkey-\(UUID().uuidString)")
            var config = AppConfig()
            config.issuerURL = "https://registry.test.example"
            config.caKeyPath = directory.appendingPathComponent("ca.jwk").path
            config.log.origin = origin
            self.config = config
        }

        var keyFile: String { config.log.keyFile(caKeyPath: config.caKeyPath) }

        func load(_ config: AppConfig? = nil) async throws -> PrivateJWK {
            try await LogIntegrator.loadKey(config: config ?? self.config, store: store, now: 1_700_000_000)
        }

        /// Signs a first checkpoint with `key`, as the running server would.
        func signCheckpoint(with key: PrivateJWK) async throws {
            let log = TransparencyLogService(
                store: store, signer: NoteSigner(name: config.log.logOrigin(issuerURL: config.issuerURL), key: key)!, clock: TestClock()
            )
            _ = try await store.inTransaction { tx in
                try await StoreConformance.recordLogged([LogEntryRecord(jti: "j", subject: "s", type: "badge", data: #"{"jti":"j"}"#)], in: tx)
            }
            #expect(try await log.integrate() == 1)
        }
    }

    @Test(arguments: TestBackend.available)
    func generatedOnceThenKept(backend: TestBackend) async throws {
        try await backend.withDatabase { opened, _ in
            let setup = Setup(store: opened.store)
            defer { try? FileManager.default.removeItem(at: setup.directory) }
            let first = try await setup.load()
            let mode = try FileManager.default.attributesOfItem(atPath: setup.keyFile)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            #expect(try await setup.load().publicKey == first.publicKey, "the same key on the next start")
        }
    }

    @Test(arguments: TestBackend.available)
    func anotherKeyOrOriginIsRefusedOnceTheLogHasSigned(backend: TestBackend) async throws {
        try await backend.withDatabase { opened, _ in
            let setup = Setup(store: opened.store)
            defer { try? FileManager.default.removeItem(at: setup.directory) }
            let key = try await setup.load()
            try await setup.signCheckpoint(with: key)

            // Another key in the file: refused, naming the file and the setting.
            let saved = try Data(contentsOf: URL(fileURLWithPath: setup.keyFile))
            try FileManager.default.removeItem(atPath: setup.keyFile)
            _ = try CAKeyFiles.loadPrimary(inlineJWK: nil, path: setup.keyFile, allowEphemeral: false, now: 1, inlineName: "LOG_PRIVATE_KEY_JWK", pathName: "LOG_KEY_PATH")
            await #expect { try await setup.load() } throws: { error in
                String(describing: error).contains("was not signed by the key in \(setup.keyFile) (LOG_KEY_PATH)")
            }

            // The file lost: refused without writing a new key in its place.
            try FileManager.default.removeItem(atPath: setup.keyFile)
            await #expect { try await setup.load() } throws: { error in
                String(describing: error).contains("is missing but the log has signed checkpoints")
            }
            #expect(!FileManager.default.fileExists(atPath: setup.keyFile), "no key generated in place of the lost one")

            // The right key back, under another origin: refused too.
            try saved.write(to: URL(fileURLWithPath: setup.keyFile))
            #expect(try await setup.load().publicKey == key.publicKey)
            var moved = setup.config
            moved.log.origin = "elsewhere.example/tlog"
            await #expect { try await setup.load(moved) } throws: { error in String(describing: error).contains("(LOG_ORIGIN)") }
        }
    }
}
