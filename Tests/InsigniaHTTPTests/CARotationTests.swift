import BadgeCore
import CAKeys
import InsigniaApp
import Foundation
import Registry
import Storage
import StoreConformance
import Testing

@Suite struct CARotationTests {
    @Test(arguments: TestBackend.available)
    func rotationKeepsOldBadgesVerifiableUntilTheyExpire(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let agentID = try await app.keyedAgent(tenant)
            let old = try #require(try await app.issue(tenant, agentID, ["ttl": 600]).data["token"]?.stringValue)
            let oldKID = try #require(try CompactJWS.parse(old).header["kid"]?.stringValue)

            app.clock.advance(1)
            let rotated = try await CABootstrap.rotate(service: app.ca, keyPath: app.config.caKeyPath)
            #expect(rotated.kid != oldKID && rotated.state == .active)
            // The new private key is on disk, 0600.
            let path = try CAKeyFiles.path(forKID: rotated.kid, in: CABootstrap.directory(of: app.config.caKeyPath))
            let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
            #expect(mode == 0o600)

            let kids = { try await app.request(.get, "/.well-known/jwks.json").json["keys"]?.arrayValue?.compactMap { $0["kid"]?.stringValue } }
            #expect(try await kids() == [rotated.kid, oldKID])
            let fresh = try #require(try await app.issue(tenant, agentID).data["token"]?.stringValue)
            #expect(try CompactJWS.parse(fresh).header["kid"] == .string(rotated.kid))
            #expect(try await app.validate(old)["valid"] == true)
            #expect(try await app.validate(fresh)["valid"] == true)

            // Once the last badge of the old key has expired, the old key leaves the JWKS.
            app.clock.advance(600)
            #expect(try await kids() == [rotated.kid])
            let listing = try await app.ca.listKeys()
            #expect(listing.first { $0.record.kid == oldKID }?.record.state == .retired)
            #expect(listing.first { $0.record.kid == oldKID }?.published == false)
        }
    }

    @Test(arguments: TestBackend.available)
    func restartKeepsTheSameKeyAndProcessesAgree(backend: TestBackend) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("insignia-ca-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let keyPath = directory.appendingPathComponent("ca.jwk").path
        try await backend.withDatabase { opened, _ in
            let clock = TestClock()
            let first = try await CABootstrap.start(store: opened.store, clock: clock, inlineJWK: nil, keyPath: keyPath, production: false)
            #expect(first.report.source == .generated)
            let mode = try #require(try FileManager.default.attributesOfItem(atPath: keyPath)[.posixPermissions] as? Int)
            #expect(mode == 0o600)
            // A restart, and a second process on the same database and key directory.
            let second = try await CABootstrap.start(store: opened.store, clock: clock, inlineJWK: nil, keyPath: keyPath, production: false)
            #expect(second.report.source == .file)
            #expect(second.report.activeKID == first.report.activeKID)
            let keysA = try await first.service.publishedKeys()
            let keysB = try await second.service.publishedKeys()
            #expect(keysA.map(\.kid) == keysB.map(\.kid) && keysA.map(\.key) == keysB.map(\.key))

            // Rotating in one process moves the other within its cache window.
            let rotated = try await CABootstrap.rotate(service: first.service, keyPath: keyPath)
            #expect(try await first.service.activeSigner().kid == rotated.kid)
            clock.advance(6)
            #expect(try await second.service.activeSigner().kid == rotated.kid)
        }
    }

    @Test(arguments: TestBackend.available)
    func aNewPrimaryKeyDoesNotDisplaceTheActiveOne(backend: TestBackend) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("insignia-ca-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await backend.withDatabase { opened, _ in
            let clock = TestClock()
            let first = try await CABootstrap.start(
                store: opened.store, clock: clock, inlineJWK: nil, keyPath: directory.appendingPathComponent("a/ca.jwk").path, production: false
            )
            let inline = String(decoding: PrivateJWK.generate(kid: "inline-key").json().serialized(), as: UTF8.self)
            // That process lacks the active private key: it refuses to start rather than take over or
            // run without signing.
            let error = await #expect(throws: CAKeyError.self) {
                _ = try await CABootstrap.start(
                    store: opened.store, clock: clock, inlineJWK: inline, keyPath: directory.appendingPathComponent("b/ca.jwk").path, production: false
                )
            }
            #expect(error?.message.contains(first.report.activeKID) == true)
            let active = try await opened.store.caKeys().filter { $0.state == .active }.map(\.kid)
            #expect(active == [first.report.activeKID])
        }
    }

    @Test(arguments: TestBackend.available)
    func aProcessWithoutTheActiveKeyRefusesToStartAndDoesNotMakeOne(backend: TestBackend) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("insignia-ca-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let keyPath = directory.appendingPathComponent("keys/ca.jwk").path
        try await backend.withDatabase { opened, _ in
            let clock = TestClock()
            let first = try await CABootstrap.start(store: opened.store, clock: clock, inlineJWK: nil, keyPath: keyPath, production: false)
            let kid = first.report.activeKID
            // The key directory is lost.
            try FileManager.default.removeItem(at: directory.appendingPathComponent("keys"))
            let error = await #expect(throws: CAKeyError.self) {
                _ = try await CABootstrap.start(store: opened.store, clock: clock, inlineJWK: nil, keyPath: keyPath, production: false)
            }
            let message = try #require(error?.message)
            #expect(message.contains(kid) && message.contains(keyPath) && !message.contains("\n"), "\(message)")
            #expect(message.contains("insignia ca recover --lost \(kid)"))
            #expect(!FileManager.default.fileExists(atPath: keyPath), "no replacement key may be generated")
            #expect(try await opened.store.caKeys().map(\.kid) == [kid])
            // Another process with a different inline key refuses too: it could never sign.
            let inline = String(decoding: PrivateJWK.generate(kid: "inline-key").json().serialized(), as: UTF8.self)
            await #expect(throws: CAKeyError.self) {
                _ = try await CABootstrap.start(store: opened.store, clock: clock, inlineJWK: inline, keyPath: keyPath, production: false)
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func recoveryActivatesANewKeyAndKeepsTheLostKeyPublishedUntilItsBadgesExpire(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let agentID = try await app.keyedAgent(tenant)
            let old = try #require(try await app.issue(tenant, agentID, ["ttl": 600]).data["token"]?.stringValue)
            let lostKID = try #require(try CompactJWS.parse(old).header["kid"]?.stringValue)
            let keyPath = app.config.caKeyPath
            let recover = { (kid: String) in
                try await CABootstrap.recover(store: app.store, clock: app.clock, inlineJWK: nil, keyPath: keyPath, lostKID: kid)
            }
            // While the key file exists, recovery is refused (that is `ca rotate`'s job).
            let refused = await #expect(throws: RegistryError.self) { _ = try await recover(lostKID) }
            #expect(refused?.code == .conflict)
            try FileManager.default.removeItem(atPath: CABootstrap.directory(of: keyPath))
            await #expect(throws: CAKeyError.self) {
                _ = try await CABootstrap.start(store: app.store, clock: app.clock, inlineJWK: nil, keyPath: keyPath, production: false)
            }
            let unknown = await #expect(throws: RegistryError.self) { _ = try await recover("capiscio-ca-0") }
            #expect(unknown?.code == .notFound)

            app.clock.advance(1)
            let recovered = try await recover(lostKID)
            #expect(recovered.kid != lostKID && recovered.state == .active)
            let events = try await app.store.events(orgID: nil).filter { $0.type == "ca.key.recovered" }
            #expect(events.count == 1 && events.first?.subject == recovered.kid && events.first?.details?.contains(lostKID) == true)
            // A server starts again, on the new key; the lost key stays in the JWKS while its badge lives.
            let restarted = try await CABootstrap.start(store: app.store, clock: app.clock, inlineJWK: nil, keyPath: keyPath, production: false)
            #expect(restarted.report.activeKID == recovered.kid)
            app.clock.advance(6)
            let kids = { try await app.request(.get, "/.well-known/jwks.json").json["keys"]?.arrayValue?.compactMap { $0["kid"]?.stringValue } }
            #expect(try await kids() == [recovered.kid, lostKID])
            #expect(try await app.validate(old)["valid"] == true)
            let fresh = try #require(try await app.issue(tenant, agentID).data["token"]?.stringValue)
            #expect(try CompactJWS.parse(fresh).header["kid"] == .string(recovered.kid))
            app.clock.advance(600)
            #expect(try await kids() == [recovered.kid])
        }
    }
}
