import BadgeCore
import Crypto
import Foundation

/// Admin console sign-in: an API key opens a server-side session whose id only the browser's
/// cookie holds. The key's scopes apply to everything the session does, and the key is re-checked
/// on every request, so revoking it (or its expiry) ends the session at once.
public struct ConsoleSessionService: Sendable {
    /// The storage ports this use case needs.
    public typealias Store = ConsoleSessionStore & APIKeyStore & AuditStore

    /// A session ends after this long without a request…
    public static let idleSeconds: Int64 = 8 * 3600
    /// …and this long after sign-in, whatever happens.
    public static let absoluteSeconds: Int64 = 24 * 3600
    /// `last_seen_at` is refreshed at most this often, so reading a page is not a write each time.
    static let touchInterval: Int64 = 60

    let store: any Store
    let apiKeys: APIKeyService
    let clock: any RegistryClock

    public init(store: any Store, apiKeys: APIKeyService, clock: any RegistryClock) {
        self.store = store
        self.apiKeys = apiKeys
        self.clock = clock
    }

    /// A signed-in session: its id (for the cookie, never stored) and its caller.
    public struct Opened: Sendable {
        public let sessionID: String
        public let principal: Principal
    }

    /// Signs in with an API key (`unauthorized` when it is not usable). Records `console.signed_in`.
    public func signIn(apiKey: String, clientIP: String?) async throws -> Opened {
        let principal: Principal
        do {
            principal = try await apiKeys.authenticate(apiKey)
        } catch let error as RegistryError where error.category == .unauthorized {
            await apiKeys.recordFailedAuthentication(clientIP: clientIP)
            throw error
        }
        let now = clock.now()
        let sessionID = Self.randomID()
        let session = ConsoleSession(
            idHash: Self.hash(sessionID), orgID: principal.orgID, keyHash: APIKeyService.hash(apiKey), createdAt: now, lastSeenAt: now
        )
        try await store.insertConsoleSession(session)
        try await store.appendEvent(.make(
            "console.signed_in", orgID: principal.orgID, actor: principal.actor, details: ["ip": .optional(clientIP)], at: now
        ))
        // Sign-in is a moment to drop everyone's ended sessions (cheap: one indexed delete).
        _ = try await store.purgeConsoleSessions(idleBefore: now - Self.idleSeconds, createdBefore: now - Self.absoluteSeconds)
        return Opened(sessionID: sessionID, principal: principal)
    }

    /// The caller of a session, or `unauthorized` when it is unknown, idle for 8 h, 24 h old, or its
    /// key is no longer usable (an ended session is deleted).
    public func resume(_ sessionID: String) async throws -> Principal {
        guard !sessionID.isEmpty, sessionID.utf8.count <= 128 else { throw RegistryError.unauthorized }
        let idHash = Self.hash(sessionID)
        guard let session = try await store.consoleSession(idHash: idHash) else { throw RegistryError.unauthorized }
        let now = clock.now()
        guard now - session.lastSeenAt < Self.idleSeconds, now - session.createdAt < Self.absoluteSeconds,
              let key = try await store.apiKey(hash: session.keyHash), key.isUsable(at: now), key.orgID == session.orgID
        else {
            _ = try await store.deleteConsoleSession(idHash: idHash)
            throw RegistryError.unauthorized
        }
        if session.lastSeenAt + Self.touchInterval <= now {
            _ = try await store.touchConsoleSession(idHash: idHash, at: now)
        }
        return Principal(orgID: key.orgID, apiKeyID: key.id, scopes: key.scopes)
    }

    /// Ends a session (unknown ids are ignored: signing out twice is fine).
    public func signOut(_ sessionID: String) async throws {
        guard !sessionID.isEmpty, sessionID.utf8.count <= 128 else { return }
        _ = try await store.deleteConsoleSession(idHash: Self.hash(sessionID))
    }

    /// The anti-forgery token of a session's forms: derived from the session id (which only the
    /// cookie holds), so it needs no storage and differs from the stored hash.
    public static func csrfToken(for sessionID: String) -> String {
        Base64URL.encode(Array(SHA256.hash(data: Array("insignia-console-csrf:\(sessionID)".utf8))))
    }

    /// Whether `presented` is the session's token (compared in constant time).
    public static func checkCSRF(_ presented: String?, sessionID: String) -> Bool {
        guard let presented else { return false }
        let expected = Array(csrfToken(for: sessionID).utf8)
        let given = Array(presented.utf8)
        guard given.count == expected.count else { return false }
        return zip(given, expected).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// 256 random bits, base64url.
    public static func randomID() -> String {
        var rng = SystemRandomNumberGenerator()
        return Base64URL.encode((0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) })
    }

    static func hash(_ sessionID: String) -> String {
        Base16.encode(SHA256.hash(data: Array(sessionID.utf8)))
    }
}
