import BadgeCore
import Crypto
import Foundation

/// Admin console sign-in: an API key, or a dashboard (Clerk) session token, opens a server-side
/// session whose id only the browser's cookie holds. What signed in is re-checked on every request:
/// a key's scopes apply and revoking it (or its expiry) ends the session at once; a user's
/// membership and role in the organisation apply (as the API maps them), so a membership removed,
/// or a user or organisation deleted, by Clerk's webhook ends it too.
///
/// Why a session rather than Clerk's token on each request: Clerk's `__session` token lives about
/// a minute and only Clerk's own script renews it, which the console (no script from another
/// origin) never runs. The token is verified once, as the API verifies it, then exchanged.
public struct ConsoleSessionService: Sendable {
    /// The storage ports this use case needs.
    public typealias Store = ConsoleSessionStore & APIKeyStore & AuditStore & IdentityStore & OrganizationStore

    /// A session ends after this long without a request…
    public static let idleSeconds: Int64 = 8 * 3600
    /// …and this long after sign-in, whatever happens.
    public static let absoluteSeconds: Int64 = 24 * 3600
    /// `last_seen_at` is refreshed at most this often, so reading a page is not a write each time.
    static let touchInterval: Int64 = 60

    let store: any Store
    let apiKeys: APIKeyService
    let identities: IdentityService
    /// Verifies Clerk session tokens; nil: only API keys sign in.
    let sessionTokens: SessionTokenVerifier?
    let clock: any RegistryClock

    public init(
        store: any Store, apiKeys: APIKeyService, identities: IdentityService, sessionTokens: SessionTokenVerifier?, clock: any RegistryClock
    ) {
        self.store = store
        self.apiKeys = apiKeys
        self.identities = identities
        self.sessionTokens = sessionTokens
        self.clock = clock
    }

    /// Whether a Clerk session token can sign in.
    public var acceptsSessionTokens: Bool { sessionTokens != nil }

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
        return try await open(principal, keyHash: APIKeyService.hash(apiKey), clientIP: clientIP)
    }

    /// Signs in with a Clerk session token (the `__session` cookie), verified and mapped to an
    /// organisation and role exactly as the API does (`IdentityService.principal(for:)`): the
    /// token's organisation with its role, else the user's personal organisation as admin.
    /// `invalid_session_token` (401) when it does not verify or has expired; `unauthorized` when
    /// Clerk is not configured. Records `console.signed_in`.
    public func signIn(sessionToken: String, clientIP: String?) async throws -> Opened {
        guard let sessionTokens else { throw RegistryError.unauthorized }
        let principal: Principal
        do {
            principal = try await identities.principal(for: try await sessionTokens.verify(sessionToken))
        } catch let error as RegistryError where error.category == .unauthorized {
            await apiKeys.recordFailedAuthentication(clientIP: clientIP)
            throw error
        }
        return try await open(principal, userID: principal.userID, clientIP: clientIP)
    }

    private func open(_ principal: Principal, keyHash: String? = nil, userID: String? = nil, clientIP: String?) async throws -> Opened {
        let now = clock.now()
        let sessionID = Self.randomID()
        let session = ConsoleSession(idHash: Self.hash(sessionID), orgID: principal.orgID, keyHash: keyHash, userID: userID, createdAt: now, lastSeenAt: now)
        try await store.insertConsoleSession(session)
        var details: [String: JSONValue] = ["ip": .optional(clientIP)]
        if let userID { details["user_id"] = .string(userID) }
        try await store.appendEvent(.make("console.signed_in", orgID: principal.orgID, actor: principal.actor, details: details, at: now))
        // Sign-in is a moment to drop everyone's ended sessions (cheap: one indexed delete).
        _ = try await store.purgeConsoleSessions(idleBefore: now - Self.idleSeconds, createdBefore: now - Self.absoluteSeconds)
        return Opened(sessionID: sessionID, principal: principal)
    }

    /// The caller of a session, or `unauthorized` when it is unknown, idle for 8 h, 24 h old, or
    /// what signed in can no longer act for the organisation (an ended session is deleted).
    public func resume(_ sessionID: String) async throws -> Principal {
        guard !sessionID.isEmpty, sessionID.utf8.count <= 128 else { throw RegistryError.unauthorized }
        let idHash = Self.hash(sessionID)
        guard let session = try await store.consoleSession(idHash: idHash) else { throw RegistryError.unauthorized }
        let now = clock.now()
        guard now - session.lastSeenAt < Self.idleSeconds, now - session.createdAt < Self.absoluteSeconds,
              let principal = try await currentPrincipal(of: session, at: now)
        else {
            _ = try await store.deleteConsoleSession(idHash: idHash)
            throw RegistryError.unauthorized
        }
        if session.lastSeenAt + Self.touchInterval <= now {
            _ = try await store.touchConsoleSession(idHash: idHash, at: now)
        }
        return principal
    }

    /// What the session's credential may do now: the key's scopes while it is usable, or the
    /// user's current role while the user, the organisation and the membership all exist.
    private func currentPrincipal(of session: ConsoleSession, at now: Int64) async throws -> Principal? {
        if let keyHash = session.keyHash {
            guard let key = try await store.apiKey(hash: keyHash), key.isUsable(at: now), key.orgID == session.orgID else { return nil }
            return Principal(orgID: key.orgID, apiKeyID: key.id, scopes: key.scopes)
        }
        guard let userID = session.userID,
              let user = try await store.user(id: userID), user.deletedAt == nil,
              let org = try await store.organization(id: session.orgID), org.deletedAt == nil,
              let membership = try await store.membership(orgID: org.id, userID: user.id)
        else { return nil }
        return Principal.session(orgID: org.id, userID: user.id, role: membership.role)
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
        Base16.sha256(of: sessionID)
    }
}
