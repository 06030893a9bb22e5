import BadgeCore
import Foundation

/// The CA's key lifecycle as every server process sees it: which key signs now, which public keys
/// are published, and rotation (prepare → activate → retire, after spire's CA slots).
///
/// Key *states* live in the database so every process agrees on the active key; private key
/// *material* stays behind `CASigningKeys`.
public final class CAService: Sendable {
    /// The storage ports this use case needs.
    public typealias Store = CAKeyStore & CAKeyElection & BadgeLedgerStore & AuditStore

    let store: any Store
    let keys: any CASigningKeys
    let clock: any RegistryClock
    /// How long a process may keep using its view of the key states before re-reading them.
    /// Bounds how long after `insignia ca rotate` a process still signs with the old key.
    let cacheSeconds: Int64
    /// Whether every credential this CA signs gets a transparency log entry, sequenced in the
    /// transaction that records it (`LOG_ENABLED`).
    public let logsCredentials: Bool
    private let cache = Cache()

    public init(store: any Store, keys: any CASigningKeys, clock: any RegistryClock, cacheSeconds: Int64 = 5, logsCredentials: Bool = true) {
        self.store = store
        self.keys = keys
        self.clock = clock
        self.cacheSeconds = cacheSeconds
        self.logsCredentials = logsCredentials
    }

    /// Start-up: registers `primary` as the active key when no key is active yet (the first
    /// process wins), otherwise records it as prepared if the database does not know it.
    /// Returns the active key.
    @discardableResult
    public func bootstrap(primary: PublicJWK, kid: String) async throws -> CAKeyRecord {
        let now = clock.now()
        let candidate = CAKeyRecord(kid: kid, publicJWK: primary.compactJSON, state: .active, createdAt: now, activatedAt: now)
        let active = try await store.ensureActiveCAKey(candidate)
        if active.kid != kid, !(try await store.caKeys().contains { $0.kid == kid }) {
            var prepared = candidate
            prepared.state = .prepared
            prepared.activatedAt = nil
            do { try await store.insertCAKey(prepared) } catch StoreError.uniqueViolation {}
        }
        cache.clear()
        return active
    }

    /// The key that signs now, with its signer. 503 when this process lacks its private key.
    public func activeSigner() async throws -> (kid: String, signer: any JWSSigner) {
        let view = try await currentView()
        guard let active = view.active else {
            throw RegistryError(.caKeyUnavailable, "no active CA key")
        }
        guard let signer = try await keys.signer(kid: active.kid) else {
            throw RegistryError(.caKeyUnavailable, "the active CA key \(active.kid) is not available to this server")
        }
        return (active.kid, signer)
    }

    /// Published keys: the active key first (Go verifiers use `keys[0]`), then retired keys that
    /// still verify an unexpired badge. Prepared keys are not published.
    public func publishedKeys() async throws -> [(kid: String, key: PublicJWK)] {
        try await currentView().published
    }

    /// Makes a new key active now; the old active key is retired and stays published until its
    /// last badge expires. `prepare` must create and persist the private key and return its
    /// public half and kid.
    public func rotate(actor: String = "operator:cli", prepare: (Int64) throws -> (kid: String, key: PublicJWK)) async throws -> CAKeyRecord {
        let previous = try await store.caKeys().first { $0.state == .active }?.kid
        return try await replaceActive(event: "ca.key.rotated", actor: actor, details: ["previous_kid": .optional(previous)], prepare: prepare)
    }

    /// Deliberate recovery from a lost private key: `lostKID` must be the active key and this
    /// process must hold no private key for it. A new key becomes active; the lost key is retired
    /// and its public key stays published until the last badge it signed has expired (they keep
    /// verifying). Audited as `ca.key.recovered`.
    public func recover(lostKID: String, actor: String = "operator:cli", prepare: (Int64) throws -> (kid: String, key: PublicJWK)) async throws -> CAKeyRecord {
        guard let lost = try await store.caKeys().first(where: { $0.kid == lostKID }) else {
            throw RegistryError(.notFound, "no CA key \(lostKID) in the database")
        }
        guard lost.state == .active else {
            throw RegistryError(.conflict, "CA key \(lostKID) is \(lost.state.rawValue), not active: nothing to recover")
        }
        guard try await keys.signer(kid: lostKID) == nil else {
            throw RegistryError(.conflict, "the private key of \(lostKID) is available: use `insignia ca rotate` instead")
        }
        return try await replaceActive(event: "ca.key.recovered", actor: actor, details: ["lost_kid": .string(lostKID)], prepare: prepare)
    }

    private func replaceActive(
        event: String, actor: String, details: [String: JSONValue], prepare: (Int64) throws -> (kid: String, key: PublicJWK)
    ) async throws -> CAKeyRecord {
        let now = clock.now()
        let (kid, key) = try prepare(now)
        let record = CAKeyRecord(kid: kid, publicJWK: key.compactJSON, state: .prepared, createdAt: now)
        try await store.insertCAKey(record)
        guard try await store.activateCAKey(kid: kid, at: now) else { throw RegistryError.notFound("CA key") }
        // Activation takes its own cross-process lock, so the event follows it rather than sharing its transaction.
        try await store.appendEvent(.make(event, orgID: nil, actor: actor, subject: kid, details: details, at: now))
        cache.clear()
        return try await store.caKeys().first { $0.kid == kid } ?? record
    }

    /// Every key the database knows, oldest first, with whether it is published now.
    public func listKeys() async throws -> [(record: CAKeyRecord, published: Bool)] {
        let published = Set(try await currentView(forceRefresh: true).published.map(\.kid))
        return try await store.caKeys().map { ($0, published.contains($0.kid)) }
    }

    // MARK: Cached view

    struct View: Sendable {
        var active: CAKeyRecord?
        var published: [(kid: String, key: PublicJWK)]
        var loadedAt: Int64
    }

    private func currentView(forceRefresh: Bool = false) async throws -> View {
        let now = clock.now()
        if !forceRefresh, let view = cache.get(), now - view.loadedAt < cacheSeconds, now >= view.loadedAt {
            return view
        }
        let records = try await store.caKeys()
        let active = records.first { $0.state == .active }
        let retired = records.filter { $0.state == .retired }
        let stillNeeded = try await store.kidsWithUnexpiredBadges(retired.map(\.kid), now: now)
        var published: [(kid: String, key: PublicJWK)] = []
        for record in ([active].compactMap { $0 } + retired.filter { stillNeeded.contains($0.kid) }.sorted { ($0.retiredAt ?? 0) > ($1.retiredAt ?? 0) }) {
            guard let key = PublicJWK.fromCompactJSON(record.publicJWK) else { continue }
            published.append((record.kid, key))
        }
        let view = View(active: active, published: published, loadedAt: now)
        cache.set(view)
        return view
    }

    private final class Cache: @unchecked Sendable {
        private let lock = NSLock()
        private var view: View?
        func get() -> View? { lock.withLock { view } }
        func set(_ value: View) { lock.withLock { view = value } }
        func clear() { lock.withLock { view = nil } }
    }
}

extension PublicJWK {
    /// `{"crv","kty","x"}` as compact JSON text: the stored form.
    public var compactJSON: String { String(decoding: json.serialized(), as: UTF8.self) }

    /// Parses a stored compact JWK; nil when it is not an Ed25519 public JWK.
    public static func fromCompactJSON(_ text: String) -> PublicJWK? {
        (try? JSONValue.parse(Array(text.utf8))).flatMap { try? PublicJWK(json: $0) }
    }
}
