import BadgeCore
import Foundation

/// Creates, lists, revokes and authenticates API keys.
public struct APIKeyService: Sendable {
    /// The storage ports this use case needs.
    public typealias Store = APIKeyStore & RateCounterStore & AuditStore & UnitOfWork

    /// Every key we emit starts with this (issue #2; CONTRACT.md D-25 lists the alternatives).
    public static let keyPrefix = "cpsc_live_"
    /// How many characters of a key are kept for display.
    static let displayPrefixLength = keyPrefix.count + 6
    /// `last_used_at` is refreshed at most this often, so authentication is not a write per request.
    static let touchInterval: Int64 = 60

    let store: any Store
    let clock: any RegistryClock

    public init(store: any Store, clock: any RegistryClock) {
        self.store = store
        self.clock = clock
    }

    /// The SHA-256 of a presented secret, as stored. Keys carry 256 random bits, so a fast hash is
    /// enough; lookups go by hash, so the secret is never compared byte by byte.
    public static func hash(_ plaintext: String) -> String {
        Base16.sha256(of: plaintext)
    }

    /// Creates a key in `orgID`. The plaintext is returned once and never stored.
    public func create(
        orgID: String, name: String, scopes: [String] = [], expiresAt: Int64? = nil, actor: String = "operator:cli"
    ) async throws -> CreatedAPIKey {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 200 else {
            throw RegistryError.invalidRequest("name must be 1–200 characters")
        }
        for scope in scopes where !Scope.isKnown(scope) {
            throw RegistryError.invalidRequest("unknown scope '\(scope)'")
        }
        let now = clock.now()
        if let expiresAt, expiresAt <= now {
            throw RegistryError.invalidRequest("expires_at must be in the future")
        }
        var random = [UInt8](repeating: 0, count: 32)
        var rng = SystemRandomNumberGenerator()
        for i in random.indices { random[i] = rng.next() }
        let plaintext = Self.keyPrefix + Base64URL.encode(random)
        let record = APIKeyRecord(
            id: UUID().uuidString.lowercased(), orgID: orgID, name: name,
            prefix: String(plaintext.prefix(Self.displayPrefixLength)), hash: Self.hash(plaintext),
            scopes: scopes, createdAt: now, expiresAt: expiresAt
        )
        try await store.inTransaction { tx in
            try await tx.insertAPIKey(record)
            try await tx.appendEvent(.make(
                "api_key.created", orgID: orgID, actor: actor, subject: record.id,
                details: ["name": .string(name), "prefix": .string(record.prefix)], at: now
            ))
        }
        return CreatedAPIKey(record: record, plaintext: plaintext)
    }

    /// Creates a key in the caller's organisation. Without `scopes` it gets the caller's; it never
    /// grants a scope the caller lacks (`insufficient_scope`).
    public func create(by principal: Principal, name: String, scopes: [String], expiresAt: Int64?) async throws -> CreatedAPIKey {
        let granted = scopes.isEmpty ? principal.scopes : scopes
        for scope in granted where !principal.allows(scope) {
            throw RegistryError(.insufficientScope, "cannot grant scope '\(scope)' that the calling key lacks")
        }
        return try await create(orgID: principal.orgID, name: name, scopes: granted, expiresAt: expiresAt, actor: principal.actor)
    }

    /// Keys of one org, or of every org when `orgID` is nil (operator CLI).
    public func list(orgID: String?) async throws -> [APIKeyRecord] {
        try await store.apiKeys(orgID: orgID)
    }

    /// Revokes a key at once. Unknown, already revoked, or another org's key → `not_found`.
    public func revoke(id: String, orgID: String?, actor: String = "operator:cli") async throws {
        let id = id.lowercased()
        let now = clock.now()
        try await store.inTransaction { tx in
            guard try await tx.revokeAPIKey(id: id, orgID: orgID, at: now) else {
                throw RegistryError(.notFound, "API key not found")
            }
            let owner = try await tx.apiKeys(orgID: orgID).first { $0.id == id }?.orgID ?? orgID
            try await tx.appendEvent(.make("api_key.revoked", orgID: owner, actor: actor, subject: id, at: now))
        }
    }

    /// How old a key read may be for a caller that re-checks the key where it counts (IAL-0
    /// issuance checks it in the ledger transaction, see `IssuanceBasis`).
    public static let recheckedKeyAge: Int64 = 30
    /// How old a key read may be for the policy bundle, which is itself up to a second old and
    /// polled by every PDP: a key revoked on another replica reads it for at most one more second.
    public static let bundleKeyAge: Int64 = 1

    /// Resolves a presented secret to its caller, or throws `unauthorized`.
    ///
    /// With `maxAge` > 0, a usable key read at most that many seconds ago is not read again; only
    /// the callers named by `recheckedKeyAge` and `bundleKeyAge` ask for that. Everyone else reads
    /// the database, so a revoked key stops at once (and a revocation in this process forgets every
    /// key read it remembered). A refusal is always decided on a fresh read.
    public func authenticate(_ presented: String, maxAge: Int64 = 0) async throws -> Principal {
        guard !presented.isEmpty, presented.utf8.count <= 512 else { throw RegistryError.unauthorized }
        let hash = Self.hash(presented)
        let now = clock.now()
        var record: APIKeyRecord
        if maxAge > 0, let recent = try await store.apiKey(hash: hash, freshness: .recent(maxAge: maxAge, now: now)), recent.isUsable(at: now) {
            record = recent
        } else {
            // A new read (`maxAge: 0`) that also replaces what the store remembered for this key.
            guard let fresh = try await store.apiKey(hash: hash, freshness: .recent(maxAge: 0, now: now)), fresh.isUsable(at: now) else {
                throw RegistryError.unauthorized
            }
            record = fresh
        }
        if (record.lastUsedAt ?? 0) + Self.touchInterval <= now {
            try await store.touchAPIKey(id: record.id, at: now)
            record.lastUsedAt = now
        }
        return Principal(orgID: record.orgID, apiKeyID: record.id, scopes: record.scopes)
    }

    /// Records a failed authentication: one `auth.failed` audit event per client address per minute
    /// (counted, so a flood of bad keys cannot flood the audit log). Never records the key.
    public func recordFailedAuthentication(clientIP: String?) async {
        let now = clock.now()
        let source = clientIP ?? "unknown"
        guard let count = try? await store.incrementRateCounter(bucket: "auth:failed:\(source)", windowStart: now - now % 60), count == 1 else {
            return
        }
        try? await store.appendEvent(.make("auth.failed", orgID: nil, actor: "ip:\(source)", details: ["reason": "missing or unknown API key"], at: now))
    }
}
