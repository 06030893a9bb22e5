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
            let second = try await CABootstrap.start(
                store: opened.store, clock: clock, inlineJWK: inline, keyPath: directory.appendingPathComponent("b/ca.jwk").path, production: false
            )
            #expect(second.report.source == .environment && second.report.primaryKID == "inline-key")
            #expect(second.report.activeKID == first.report.activeKID)
            let states = try await opened.store.caKeys().map { ($0.kid, $0.state) }
            #expect(states.contains { $0 == ("inline-key", .prepared) })
            // That process lacks the active private key: it must refuse to sign, not sign with another key.
            await #expect(throws: RegistryError.self) { try await second.service.activeSigner() }
        }
    }
}
