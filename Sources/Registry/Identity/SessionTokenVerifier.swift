import BadgeCore
import Foundation

/// Fetches a JWKS document (the outbound, SSRF-hardened client implements it).
public protocol JWKSFetching: Sendable {
    /// The body of the JWKS at `url`, sending `Authorization: Bearer <bearerToken>` when given.
    func fetchJWKS(_ url: String, bearerToken: String?) async throws -> [UInt8]
}

/// How dashboard session tokens (Clerk) are verified.
public struct SessionTokenSettings: Sendable {
    public enum KeySource: Sendable {
        /// Keys from a JWKS URL, cached and refreshed on an unknown `kid`; with `bearerToken`, the
        /// request authenticates with it (Clerk's Backend API and `CLERK_SECRET_KEY`). The token
        /// is a secret: never logged or described.
        case jwks(url: String, bearerToken: String? = nil)
        /// One static public key (Clerk's networkless verification); the token's `kid` is ignored.
        case key(SessionKey)
    }

    public var keySource: KeySource
    /// Required `iss` when set.
    public var issuer: String?
    /// Allowed `azp` values; empty accepts any.
    public var authorizedParties: [String]
    /// Clock skew allowed on `exp`, `nbf` and `iat`, in seconds.
    public var leeway: Int64 = 5

    public init(keySource: KeySource, issuer: String? = nil, authorizedParties: [String] = []) {
        self.keySource = keySource
        self.issuer = issuer
        self.authorizedParties = authorizedParties
    }
}

/// The verified facts of a session token.
public struct SessionClaims: Sendable, Equatable {
    /// `sub`: the identity provider's user id.
    public var userID: String
    /// The active organisation (`org_id`, or `o.id` in Clerk's v2 tokens), if any.
    public var orgID: String?
    /// The role in that organisation (`org_role`, or `o.rol`).
    public var orgRole: String?
    /// The organisation's slug (`org_slug`, or `o.slg`).
    public var orgSlug: String?

    public init(userID: String, orgID: String? = nil, orgRole: String? = nil, orgSlug: String? = nil) {
        self.userID = userID
        self.orgID = orgID
        self.orgRole = orgRole
        self.orgSlug = orgSlug
    }
}

/// Verifies session JWTs: RS256, ES256 or EdDSA only, the algorithm fixed by the key; `exp`,
/// `nbf`, `iat` with a small leeway; `iss` and `azp` when configured.
public final class SessionTokenVerifier: @unchecked Sendable {
    /// How long fetched keys are used before the JWKS is fetched again.
    public static let cacheSeconds: Int64 = 300
    /// Least time between two refreshes caused by unknown `kid`s, so random kids cannot make us
    /// hammer the JWKS host.
    public static let unknownKidRefreshInterval: Int64 = 30

    public let settings: SessionTokenSettings
    private let fetcher: (any JWKSFetching)?
    private let clock: any RegistryClock
    private let lock = NSLock()
    private var keys: [String: SessionKey] = [:]
    private var fetchedAt: Int64?
    private var lastUnknownKidRefresh: Int64?

    public init(settings: SessionTokenSettings, fetcher: (any JWKSFetching)?, clock: any RegistryClock) {
        self.settings = settings
        self.fetcher = fetcher
        self.clock = clock
    }

    static func invalid(_ message: String) -> RegistryError {
        RegistryError(.invalidSessionToken, message)
    }

    /// Verifies `token` and returns its claims, or throws `401 invalid_session_token`.
    public func verify(_ token: String) async throws -> SessionClaims {
        let jws: CompactJWS
        do {
            jws = try CompactJWS.parse(token)
        } catch {
            throw Self.invalid("the session token is not a well-formed JWT")
        }
        guard let alg = jws.header["alg"]?.stringValue, ["RS256", "ES256", "EdDSA"].contains(alg) else {
            throw Self.invalid("session tokens must be signed with RS256, ES256 or EdDSA")
        }
        let key = try await key(for: jws.header["kid"]?.stringValue)
        guard key.algorithm == alg else { throw Self.invalid("the token's alg does not match its key") }
        guard key.verify(signature: jws.signature, message: jws.signingInput) else {
            throw Self.invalid("the session token's signature does not verify")
        }
        return try checkClaims(jws.payload)
    }

    private func checkClaims(_ payload: JSONValue) throws -> SessionClaims {
        let now = clock.now()
        let leeway = settings.leeway
        func time(_ name: String) throws -> Int64? {
            guard let value = payload[name] else { return nil }
            switch value {
            case .int(let seconds): return seconds
            case .double(let seconds) where seconds.isFinite && abs(seconds) < 1e15: return Int64(seconds)
            default: throw Self.invalid("claim '\(name)' must be a number")
            }
        }
        guard let exp = try time("exp") else { throw Self.invalid("the session token has no exp") }
        guard now < exp + leeway else { throw Self.invalid("the session token has expired") }
        if let nbf = try time("nbf"), now + leeway < nbf { throw Self.invalid("the session token is not valid yet") }
        if let iat = try time("iat"), now + leeway < iat { throw Self.invalid("the session token was issued in the future") }
        if let issuer = settings.issuer, payload["iss"]?.stringValue != issuer {
            throw Self.invalid("the session token's issuer is not accepted")
        }
        if !settings.authorizedParties.isEmpty {
            guard let azp = payload["azp"]?.stringValue, settings.authorizedParties.contains(azp) else {
                throw Self.invalid("the session token's authorized party is not accepted")
            }
        }
        guard let sub = payload["sub"]?.stringValue, !sub.isEmpty, sub.count <= 200 else {
            throw Self.invalid("the session token has no subject")
        }
        let compact = payload["o"]
        func text(_ value: JSONValue?) -> String? {
            guard let string = value?.stringValue, !string.isEmpty, string.count <= 200 else { return nil }
            return string
        }
        return SessionClaims(
            userID: sub,
            orgID: text(payload["org_id"]) ?? text(compact?["id"]),
            orgRole: text(payload["org_role"]) ?? text(compact?["rol"]),
            orgSlug: text(payload["org_slug"]) ?? text(compact?["slg"])
        )
    }

    /// The key for `kid`: the static key, or a JWKS key (fetching the JWKS when the cache is empty
    /// or stale, and once more when `kid` is unknown).
    private func key(for kid: String?) async throws -> SessionKey {
        switch settings.keySource {
        case .key(let key):
            return key
        case .jwks(let url, let bearerToken):
            guard let kid, !kid.isEmpty else { throw Self.invalid("the session token has no kid") }
            let now = clock.now()
            let (cached, fresh) = lock.withLock { () -> (SessionKey?, Bool) in
                (keys[kid], fetchedAt.map { now - $0 < Self.cacheSeconds } ?? false)
            }
            if let cached, fresh { return cached }
            if !fresh {
                // Stale or never fetched: refresh; keep serving cached keys if the host is down.
                do {
                    try await refresh(url, bearerToken: bearerToken)
                } catch {
                    if let cached { return cached }
                    throw error
                }
                if let key = lock.withLock({ keys[kid] }) { return key }
            }
            if fresh, lock.withLock({ () -> Bool in
                if let last = lastUnknownKidRefresh, now - last < Self.unknownKidRefreshInterval { return false }
                lastUnknownKidRefresh = now
                return true
            }) {
                try await refresh(url, bearerToken: bearerToken)
                if let key = lock.withLock({ keys[kid] }) { return key }
            }
            throw Self.invalid("no key with the token's kid")
        }
    }

    private func refresh(_ url: String, bearerToken: String?) async throws {
        guard let fetcher else {
            throw RegistryError(.sessionKeysUnavailable, "no JWKS fetcher is configured")
        }
        let body: [UInt8]
        do {
            body = try await fetcher.fetchJWKS(url, bearerToken: bearerToken)
        } catch {
            throw RegistryError(.sessionKeysUnavailable, "the session token keys could not be fetched")
        }
        guard let document = try? JSONValue.parse(body), let entries = document["keys"]?.arrayValue else {
            throw RegistryError(.sessionKeysUnavailable, "the JWKS is not a JSON object with a keys array")
        }
        var parsed: [String: SessionKey] = [:]
        for entry in entries {
            guard let kid = entry["kid"]?.stringValue, let key = try? SessionKey(jwk: entry) else { continue }
            parsed[kid] = key
        }
        let now = clock.now()
        lock.withLock {
            keys = parsed
            fetchedAt = now
        }
    }
}
