import BadgeCore
import Foundation

/// The signed trust snapshot a server publishes (issue #14): built when the trust-state sequence
/// changes, re-signed before it grows old, and served as prebuilt bytes.
///
/// Every replica polls the sequence (`refresh()`, about every second, from a background service);
/// a request finding the last poll older than `maxPollAge` polls itself first, so a process
/// without the background service (tests) serves fresh state too. Deltas (`?since=N`) are built
/// from the journal's state at N and kept for the current sequence.
public final class TrustSnapshotPublisher: Sendable {
    /// How the snapshot is signed and how long it lives.
    public struct Settings: Sendable {
        /// `iss`: `CA_ISSUER_URL`.
        public var issuer: String
        /// `exp - iat` (`SNAPSHOT_TTL`).
        public var ttl: Int64
        /// `refresh_hint` (`SNAPSHOT_REFRESH_HINT`); the document is also re-signed this often.
        public var refreshHint: Int64

        public init(issuer: String, ttl: Int64, refreshHint: Int64) {
            self.issuer = issuer
            self.ttl = ttl
            self.refreshHint = refreshHint
        }
    }

    /// Figures for `/metrics`.
    public struct Figures: Sendable, Equatable {
        public var sequence: Int64
        /// Bytes of the full snapshot JWS.
        public var bytes: Int
        /// Full snapshots built (a new sequence), not counting re-signing.
        public var rebuilds: Int
    }

    /// A signed document as served: its compact JWS bytes, and a number that changes whenever the
    /// full snapshot is signed again (callers may keep what they made of the bytes until then).
    public struct Signed: Sendable {
        public let generation: Int
        public let bytes: [UInt8]
    }

    /// One signed full snapshot and what it was built from.
    struct Published: Sendable {
        let state: TrustState
        let snapshot: TrustSnapshot
        let token: [UInt8]
        let generation: Int
        /// Signed deltas to it by the sequence they start from.
        var deltas: [Int64: [UInt8]] = [:]
    }

    /// Most deltas kept per sequence, and most past states kept to build them.
    static let maxKept = 64

    let reader: TrustStateReader
    let signer: any JWSSigner
    let settings: Settings
    let clock: any RegistryClock
    let checkpoint: @Sendable () async throws -> String?
    let maxPollAge: Duration
    private let box = Box()
    /// One poll or build at a time in this process.
    private let lock = AsyncLock()

    /// `checkpoint` gives the transparency log's latest signed checkpoint (nil: log off or none yet).
    public init(
        reader: TrustStateReader, signer: any JWSSigner, settings: Settings, clock: any RegistryClock,
        checkpoint: @escaping @Sendable () async throws -> String?, maxPollAge: Duration = .seconds(2)
    ) {
        self.reader = reader
        self.signer = signer
        self.settings = settings
        self.clock = clock
        self.checkpoint = checkpoint
        self.maxPollAge = maxPollAge
    }

    /// The snapshot key's public half, as its JWKS lists it.
    public var publicKeys: [(kid: String, key: PublicJWK)] { box.publicKeys }

    /// Sets the public key matching `signer` (kept apart: a `JWSSigner` does not expose it).
    public func publish(publicKey: PublicJWK) {
        box.setPublicKeys([(signer.kid, publicKey)])
    }

    public var figures: Figures? { box.figures }

    // MARK: Serving

    /// The current full snapshot.
    public func full() async throws -> Signed {
        let current = try await fresh()
        return Signed(generation: current.generation, bytes: current.token)
    }

    /// The signed delta from sequence `since` to the current one, or the full snapshot when
    /// `since` is not a journaled sequence below the current one, or the delta is not smaller.
    public func document(since: Int64) async throws -> [UInt8] {
        let current = try await fresh()
        if let delta = current.deltas[since] { return delta }
        // A verifier already at the current sequence (or past it, from a newer replica) gets the
        // full snapshot: a delta must move it forward.
        guard since < current.state.sequence.sequence else { return current.token }
        return try await lock.withLock {
            let current = box.published ?? current
            if let delta = current.deltas[since] { return delta }
            let old: TrustState
            if let kept = box.pastState(since) {
                old = kept
            } else {
                guard let sequence = try await reader.journaled(since) else { return current.token }
                old = try await reader.state(at: sequence)
                box.keep(old)
            }
            let delta = TrustSnapshotDelta.between(old: snapshot(of: old, like: current.snapshot), new: current.snapshot)
            let token = Array(try await TrustSnapshotJWS.sign(delta.json, signer: signer).utf8)
            let answer = token.count < current.token.count ? token : current.token
            box.addDelta(answer, since: since, to: current.state.sequence.sequence)
            return answer
        }
    }

    /// Polls the sequence: rebuilds and re-signs when it changed, re-signs when the document is
    /// `refreshHint` old (moving `covered_until` to this poll), else only notes the poll.
    public func refresh() async throws {
        try await lock.withLock { try await poll() }
    }

    private func fresh() async throws -> Published {
        if let published = box.published, let polled = box.polled, ContinuousClock.now - polled < maxPollAge { return published }
        return try await lock.withLock {
            if let published = box.published, let polled = box.polled, ContinuousClock.now - polled < maxPollAge { return published }
            return try await poll()
        }
    }

    /// Holding `lock`.
    @discardableResult
    private func poll() async throws -> Published {
        let started = ContinuousClock.now
        // Taken before the read: every change committed by then is in what the read sees.
        let readAt = clock.now()
        let sequence = try await reader.sequence()
        if let published = box.published, published.state.sequence == sequence {
            if readAt - published.snapshot.iat >= settings.refreshHint || readAt < published.snapshot.iat {
                let resigned = try await sign(published.state, coveredUntil: readAt)
                box.set(resigned, polled: started, rebuilt: false)
                return resigned
            }
            box.set(published, polled: started, rebuilt: false)
            return published
        }
        let state = try await reader.state(at: sequence)
        if let previous = box.published { box.keep(previous.state) }
        let published = try await sign(state, coveredUntil: readAt)
        box.set(published, polled: started, rebuilt: true)
        return published
    }

    private func sign(_ state: TrustState, coveredUntil: Int64) async throws -> Published {
        let now = clock.now()
        let snapshot = TrustSnapshot(
            iss: settings.issuer, sequence: UInt64(state.sequence.sequence), iat: now, exp: now + settings.ttl,
            refreshHint: settings.refreshHint, coveredUntil: coveredUntil, keys: state.keys, revoked: state.revoked,
            inactive: state.inactive, checkpoint: try await checkpoint()
        )
        return Published(state: state, snapshot: snapshot, token: Array(try await snapshot.signed(by: signer).utf8), generation: box.nextGeneration())
    }

    /// `state` as a snapshot with `current`'s metadata: the base a delta is computed from.
    private func snapshot(of state: TrustState, like current: TrustSnapshot) -> TrustSnapshot {
        TrustSnapshot(
            iss: current.iss, sequence: UInt64(state.sequence.sequence), iat: current.iat, exp: current.exp,
            refreshHint: current.refreshHint, coveredUntil: current.coveredUntil, keys: state.keys, revoked: state.revoked,
            inactive: state.inactive
        )
    }

    /// The published document and the states kept for deltas, behind a lock (read on every request).
    private final class Box: @unchecked Sendable {
        private let lock = NSLock()
        private var current: Published?
        private var lastPoll: ContinuousClock.Instant?
        private var past: [Int64: TrustState] = [:]
        private var keys: [(kid: String, key: PublicJWK)] = []
        private var rebuilds = 0
        private var generations = 0

        var published: Published? { lock.withLock { current } }
        var polled: ContinuousClock.Instant? { lock.withLock { lastPoll } }
        var publicKeys: [(kid: String, key: PublicJWK)] { lock.withLock { keys } }

        var figures: Figures? {
            lock.withLock {
                current.map { Figures(sequence: $0.state.sequence.sequence, bytes: $0.token.count, rebuilds: rebuilds) }
            }
        }

        func setPublicKeys(_ value: [(kid: String, key: PublicJWK)]) { lock.withLock { keys = value } }

        func nextGeneration() -> Int {
            lock.withLock {
                generations += 1
                return generations
            }
        }

        func set(_ value: Published, polled: ContinuousClock.Instant, rebuilt: Bool) {
            lock.withLock {
                // A re-signed document comes without deltas: those signed before would expire
                // before it does.
                current = value
                lastPoll = polled
                if rebuilt { rebuilds += 1 }
            }
        }

        func pastState(_ sequence: Int64) -> TrustState? { lock.withLock { past[sequence] } }

        func keep(_ state: TrustState) {
            lock.withLock {
                if past.count >= TrustSnapshotPublisher.maxKept, let oldest = past.keys.min() { past[oldest] = nil }
                past[state.sequence.sequence] = state
            }
        }

        func addDelta(_ token: [UInt8], since: Int64, to sequence: Int64) {
            lock.withLock {
                guard current?.state.sequence.sequence == sequence, (current?.deltas.count ?? 0) < TrustSnapshotPublisher.maxKept else { return }
                current?.deltas[since] = token
            }
        }
    }
}
