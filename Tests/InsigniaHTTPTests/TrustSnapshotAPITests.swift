import BadgeCore
import CAKeys
import Foundation
import InsigniaApp
import Registry
import StoreConformance
import Testing

extension TestApp {
    /// The snapshot keys as `GET /v1/trust/snapshot-keys` publishes them.
    func snapshotKeys() async throws -> [IssuerKey] {
        let response = try await request(.get, "/v1/trust/snapshot-keys")
        #expect(response.status == .ok)
        return try (response.json["keys"]?.arrayValue ?? []).map { IssuerKey(kid: $0["kid"]?.stringValue, key: try PublicJWK(json: $0)) }
    }

    /// The CA badge keys of `/.well-known/jwks.json`.
    func badgeKeys() async throws -> [PublicJWK] {
        try (try await request(.get, "/.well-known/jwks.json").json["keys"]?.arrayValue ?? []).map { try PublicJWK(json: $0) }
    }

    /// `GET /v1/trust/snapshot[?since=]`, verified with the published snapshot keys.
    func snapshotDocument(since: String? = nil) async throws -> TrustSnapshotDocument {
        let response = try await request(.get, "/v1/trust/snapshot" + (since.map { "?since=\($0)" } ?? ""))
        #expect(response.status == .ok)
        #expect(response.headers[.contentType] == "application/jwt")
        #expect(response.headers[.cacheControl] == "public, max-age=1")
        return try TrustSnapshotJWS.verify(response.text, keys: try await snapshotKeys(), badgeKeys: try await badgeKeys(), now: clock.now())
    }

    func fullSnapshot() async throws -> TrustSnapshot {
        guard case .full(let snapshot) = try await snapshotDocument() else { throw SnapshotTestError("not a full snapshot") }
        return snapshot
    }

    /// The first full snapshot within `seconds` for which `condition` holds, and how long it took.
    func snapshot(within seconds: Double = 3, until condition: (TrustSnapshot) -> Bool) async throws -> (TrustSnapshot, Duration) {
        let started = ContinuousClock.now
        while true {
            let snapshot = try await fullSnapshot()
            if condition(snapshot) { return (snapshot, ContinuousClock.now - started) }
            guard ContinuousClock.now - started < .seconds(seconds) else { throw SnapshotTestError("no snapshot within \(seconds) s satisfied the condition") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// The trust-state sequence in the database.
    func trustSequence() async throws -> Int64 { try await store.trustSequence().sequence }

    func jti(of token: String) throws -> String { try #require(try CompactJWS.parse(token).payload["jti"]?.stringValue) }

    /// A badge's `sub`: what a snapshot's `inactive` lists.
    func subject(of token: String) throws -> String { try #require(try CompactJWS.parse(token).payload["sub"]?.stringValue) }
}

struct SnapshotTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The signed trust snapshot over HTTP (issue #14): signature and key separation, every change of
/// trust state raising the sequence and showing in the next snapshot, deltas, and bad `since`.
@Suite struct TrustSnapshotAPITests {
    @Test(arguments: TestBackend.available)
    func theSnapshotIsSignedByItsOwnKeyAndListsTheCAKeys(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let snapshotKeys = try await app.snapshotKeys()
            #expect(snapshotKeys.count == 1)
            let snapshotKID = try #require(snapshotKeys.first?.kid)
            let jwks = try await app.request(.get, "/.well-known/jwks.json")
            let badgeKIDs = jwks.json["keys"]?.arrayValue?.compactMap { $0["kid"]?.stringValue } ?? []
            #expect(!badgeKIDs.isEmpty)
            #expect(!badgeKIDs.contains(snapshotKID) && !jwks.text.contains(Base64URL.encode(snapshotKeys[0].key.x)), "the snapshot key is not in the badge JWKS")
            #expect(!snapshotKeys.contains { badgeKIDs.contains($0.kid ?? "") }, "no badge key among the snapshot keys")

            let snapshot = try await app.fullSnapshot()
            #expect(snapshot.iss == "https://registry.test.example")
            #expect(snapshot.sequence >= 1, "the first CA key made the first change")
            #expect(snapshot.exp - snapshot.iat == 600 && snapshot.refreshHint == 60)
            #expect(snapshot.coveredUntil <= app.clock.now())
            #expect(snapshot.keys.map(\.kid) == [badgeKIDs[0]] && snapshot.keys.first?.state == .active)
            #expect(snapshot.revoked.isEmpty && snapshot.inactive.isEmpty)
            #expect(snapshot.checkpoint == nil, "no checkpoint signed yet")

            // The badge keys never verify a snapshot.
            let token = try await app.request(.get, "/v1/trust/snapshot").text
            let badgeKeys = try await app.badgeKeys().enumerated().map { IssuerKey(kid: badgeKIDs[$0.offset], key: $0.element) }
            #expect(throws: TrustSnapshotError.self) { try TrustSnapshotJWS.verify(token, keys: badgeKeys) }

            // With the log on, the latest checkpoint rides along once the snapshot is re-signed.
            let tenant = try await app.tenant()
            #expect(try await app.issue(tenant, try await app.keyedAgent(tenant)).status == .ok)
            #expect(try await app.log?.integrate() == 1)
            app.clock.advance(60)
            let (resigned, _) = try await app.snapshot { $0.checkpoint != nil }
            #expect(resigned.sequence == snapshot.sequence && resigned.iat == snapshot.iat + 60, "same state, signed again")
            #expect(resigned.stateDigest == snapshot.stateDigest)
            #expect(resigned.checkpoint == (try await app.log?.checkpoint()?.note))
        }
    }

    /// Each path that changes trust state raises the sequence in its own transaction, and the next
    /// snapshot shows the change.
    @Test(arguments: TestBackend.available)
    func everyChangeOfTrustStateRaisesTheSequence(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let services = app.dependencies().services
            var sequence = try await app.trustSequence()
            func raised(_ what: String) async throws {
                let now = try await app.trustSequence()
                #expect(now == sequence + 1, "\(what) raises the sequence by one (\(sequence) → \(now))")
                sequence = now
            }
            func unchanged(_ what: String) async throws {
                #expect(try await app.trustSequence() == sequence, "\(what) leaves the sequence")
            }

            // Badges: an agent's, revoked by API key; again (no change); by an operator; a server's.
            let agentID = try await app.keyedAgent(tenant)
            let firstToken = try #require(try await app.issue(tenant, agentID).data["token"]?.stringValue)
            let first = try app.jti(of: firstToken)
            let agentDID = try app.subject(of: firstToken)
            try await unchanged("issuing a badge")
            #expect(try await app.request(.post, "/v1/badges/\(first)/revoke", key: tenant.key, json: ["reason": "key_compromise"]).status == .ok)
            try await raised("revoking an agent badge")
            app.clock.advance(1)
            #expect(try await app.request(.post, "/v1/badges/\(first)/revoke", key: tenant.key, json: ["reason": "key_compromise"]).status == .ok)
            try await unchanged("revoking it again")
            let second = try await app.jti(of: try #require(try await app.issue(tenant, agentID).data["token"]?.stringValue))
            _ = try await services.badges.revokeAsOperator(jti: second, reason: nil, operatorName: "test")
            try await raised("an operator's revocation (insignia badges revoke; minted badges take this path)")
            let serverID = try await app.createServer(tenant)
            let serverToken = try #require(try await app.issueServerBadge(tenant, serverID).data["badge"]?.stringValue)
            let serverJTI = try app.jti(of: serverToken)
            let serverDID = try app.subject(of: serverToken)
            #expect(try await app.request(.post, "/v1/sdk/servers/badges/\(serverJTI)/revoke", key: tenant.key, json: [:]).status == .ok)
            try await raised("revoking a server badge")

            // Agents and servers: disable, enable, disable by update, delete.
            #expect(try await app.request(.post, "/v1/agents/\(agentID)/disable", key: tenant.key, json: ["reason": "test"]).status == .ok)
            try await raised("disabling an agent")
            #expect(try await app.request(.post, "/v1/agents/\(agentID)/disable", key: tenant.key, json: [:]).status == .ok)
            try await unchanged("disabling it again")
            let (disabled, _) = try await app.snapshot { $0.inactivity(of: agentDID) != nil }
            #expect(disabled.inactivity(of: agentDID)?.status == .disabled)
            #expect(try await app.request(.post, "/v1/agents/\(agentID)/enable", key: tenant.key).status == .ok)
            try await raised("enabling an agent")
            #expect(try await app.request(.put, "/v1/agents/\(agentID)", key: tenant.key, json: ["name": "renamed"]).status == .ok)
            try await unchanged("renaming an agent")
            #expect(try await app.request(.put, "/v1/agents/\(agentID)", key: tenant.key, json: ["status": "disabled"]).status == .ok)
            try await raised("disabling an agent by update")
            #expect(try await app.request(.delete, "/v1/agents/\(agentID)", key: tenant.key).status.code < 300)
            try await raised("deleting an agent")
            #expect(try await app.issueServerBadge(tenant, serverID).status == .ok)
            #expect(try await app.request(.post, "/v1/servers/\(serverID)/disable", key: tenant.key, json: [:]).status == .ok)
            try await raised("disabling a server")
            #expect(try await app.request(.delete, "/v1/servers/\(serverID)", key: tenant.key).status.code < 300)
            try await raised("deleting a server")

            // CA keys: rotation journals the new key active and the old one retired, in one change.
            let oldKID = try #require(try await app.ca.listKeys().first { $0.record.state == .active }?.record.kid)
            let rotated = try await CABootstrap.rotate(service: app.ca, keyPath: app.config.caKeyPath)
            try await raised("rotating the CA key")
            try FileManager.default.removeItem(atPath: CAKeyFiles.path(forKID: rotated.kid, in: CABootstrap.directory(of: app.config.caKeyPath)))
            app.clock.advance(1)
            let recovered = try await CABootstrap.recover(
                store: app.store, clock: app.clock, inlineJWK: nil, keyPath: app.config.caKeyPath, lostKID: rotated.kid
            )
            try await raised("recovering from a lost CA key")

            let (snapshot, _) = try await app.snapshot { $0.sequence == UInt64(sequence) }
            #expect(Set(snapshot.revoked.map(\.jti)) == [first, second, serverJTI])
            #expect(snapshot.revocation(of: first)?.reason == "key_compromise")
            #expect(snapshot.inactivity(of: agentDID)?.status == .deleted)
            #expect(snapshot.inactivity(of: serverDID)?.status == .deleted)
            let keys = Dictionary(uniqueKeysWithValues: snapshot.keys.map { ($0.kid, $0) })
            #expect(keys[recovered.kid]?.state == .active)
            #expect(keys[oldKID]?.state == .retiring && keys[oldKID]?.until != nil, "the old key signed live badges: retiring until the last expires")
            #expect(keys[rotated.kid] == nil, "the lost key signed no badge")
        }
    }

    /// A delta since an earlier sequence turns that state into the current one; an unknown or
    /// future sequence gets the full snapshot.
    @Test(arguments: TestBackend.available)
    func deltasApplyToTheStateTheyStartFrom(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let agentID = try await app.keyedAgent(tenant)
            var tokens: [String] = []
            for _ in 0..<3 { tokens.append(try #require(try await app.issue(tenant, agentID).data["token"]?.stringValue)) }
            let jtis = try tokens.map { try app.jti(of: $0) }
            let did = try app.subject(of: tokens[0])
            #expect(try await app.request(.post, "/v1/badges/\(jtis[0])/revoke", key: tenant.key, json: [:]).status == .ok)
            let (before, _) = try await app.snapshot { $0.revocation(of: jtis[0]) != nil }

            for jti in jtis[1...] { #expect(try await app.request(.post, "/v1/badges/\(jti)/revoke", key: tenant.key, json: [:]).status == .ok) }
            #expect(try await app.request(.post, "/v1/agents/\(agentID)/disable", key: tenant.key, json: [:]).status == .ok)
            let (after, _) = try await app.snapshot { $0.inactivity(of: did) != nil }
            #expect(after.sequence == before.sequence + 3)

            guard case .delta(let delta) = try await app.snapshotDocument(since: String(before.sequence)) else {
                Issue.record("a delta was expected")
                return
            }
            #expect(delta.since == before.sequence && delta.sequence == after.sequence)
            #expect(Set(delta.addedRevoked.map(\.jti)) == Set(jtis[1...]) && delta.addedInactive.map(\.did) == [did])
            #expect(delta.removedRevoked.isEmpty && delta.removedInactive.isEmpty)
            #expect(try delta.apply(to: before).stateDigest == after.stateDigest, "applied, it gives the current state")

            // Any journaled sequence, also one this server never served: rebuilt from the journal.
            let middle = before.sequence + 1
            guard case .delta(let fromMiddle) = try await app.snapshotDocument(since: String(middle)) else {
                Issue.record("a delta from a sequence this server never built was expected")
                return
            }
            #expect(fromMiddle.since == middle && fromMiddle.addedRevoked.count == 1 && fromMiddle.addedInactive.map(\.did) == [did])

            for unknown in ["0", String(after.sequence), String(after.sequence + 1), String(Int64.max)] {
                guard case .full(let full) = try await app.snapshotDocument(since: unknown) else {
                    Issue.record("since=\(unknown) must get the full snapshot")
                    continue
                }
                #expect(full.stateDigest == after.stateDigest)
            }
        }
    }

    /// `SNAPSHOT_KEY_PATH`: generated once beside the CA key (0600, a kid of its own), loaded
    /// again unchanged, and refused when it holds a CA key.
    @Test func theSnapshotKeyFileIsItsOwnKey() async throws {
        try await TestApp.run(.sqlite) { app in
            let caKeys = try await app.store.caKeys()
            let key = try SnapshotPoller.loadKey(config: app.config, caKeys: caKeys, now: 1_765_000_000)
            #expect(key.kid == "insignia-snapshot-1765000000")
            let path = app.config.snapshot.keyFile(caKeyPath: app.config.caKeyPath)
            #expect(path.hasSuffix("/snapshot.jwk") && path.hasPrefix(CABootstrap.directory(of: app.config.caKeyPath)))
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            let again = try SnapshotPoller.loadKey(config: app.config, caKeys: caKeys, now: 1_765_000_999)
            #expect(again.kid == key.kid && again.publicKey == key.publicKey, "the second start loads the same key")
            var shared = app.config
            shared.snapshot.keyPath = app.config.caKeyPath
            #expect {
                _ = try SnapshotPoller.loadKey(config: shared, caKeys: caKeys, now: 1_765_000_000)
            } throws: { error in
                (error as? CAKeyError)?.message.contains("holds CA key") == true
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func badSinceIsRefusedWith400(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            for since in ["-1", "abc", "", "1.5", "+1", "0x10", "%20", "1%201", "9223372036854775808", "99999999999999999999", String(repeating: "9", count: 4000)] {
                let response = try await app.request(.get, "/v1/trust/snapshot?since=\(since)")
                #expect(response.status == .badRequest, "since=\(since.prefix(30))")
                #expect(response.errorCode == "invalid_request")
            }
        }
    }

    /// Two publishers over one database (two replicas): a change through one shows in the
    /// other's next snapshot within 2 s, with equal sequence and equal state.
    @Test(arguments: TestBackend.available)
    func anotherReplicaShowsAChangeWithinTwoSeconds(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let replica = app.dependencies().services.trustSnapshots
            let tenant = try await app.tenant()
            let agentID = try await app.keyedAgent(tenant)
            let jti = try await app.jti(of: try #require(try await app.issue(tenant, agentID).data["token"]?.stringValue))
            _ = try await replica.full()
            #expect(try await app.request(.post, "/v1/badges/\(jti)/revoke", key: tenant.key, json: [:]).status == .ok)
            let started = ContinuousClock.now
            var seen: TrustSnapshot?
            while ContinuousClock.now - started < .seconds(3) {
                let token = String(decoding: try await replica.full().bytes, as: UTF8.self)
                let keys = replica.publicKeys.map { IssuerKey(kid: $0.kid, key: $0.key) }
                guard case .full(let snapshot) = try TrustSnapshotJWS.verify(token, keys: keys) else { break }
                if snapshot.revocation(of: jti) != nil { seen = snapshot; break }
                try await Task.sleep(for: .milliseconds(50))
            }
            let elapsed = ContinuousClock.now - started
            let other = try #require(seen, "the other replica never listed the revocation")
            #expect(elapsed <= .milliseconds(2200), "shown after \(elapsed)")
            let (here, _) = try await app.snapshot { $0.sequence == other.sequence }
            #expect(here.stateDigest == other.stateDigest, "equal sequence, equal state on both")

            let metrics = try await app.request(.get, "/metrics").text
            #expect(metrics.contains("insignia_trust_snapshot_sequence \(here.sequence)"))
            #expect(metrics.contains("insignia_trust_snapshot_bytes "))
            #expect(metrics.contains("insignia_trust_snapshot_rebuilds_total"))
        }
    }
}
