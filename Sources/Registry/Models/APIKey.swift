/// A stored API key. The secret itself is never stored: only its SHA-256 and a short display prefix.
public struct APIKeyRecord: Sendable, Equatable {
    public var id: String
    public var orgID: String
    public var name: String
    /// First characters of the secret, safe to show (e.g. `cpsc_live_AbC1`).
    public var prefix: String
    /// Lower-case hex SHA-256 of the full secret.
    public var hash: String
    /// Empty means every scope.
    public var scopes: [String]
    public var createdAt: Int64
    public var lastUsedAt: Int64?
    public var expiresAt: Int64?
    public var revokedAt: Int64?

    public init(
        id: String, orgID: String, name: String, prefix: String, hash: String, scopes: [String],
        createdAt: Int64, lastUsedAt: Int64? = nil, expiresAt: Int64? = nil, revokedAt: Int64? = nil
    ) {
        self.id = id
        self.orgID = orgID
        self.name = name
        self.prefix = prefix
        self.hash = hash
        self.scopes = scopes
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }

    /// Whether the key authenticates at `now`.
    public func isUsable(at now: Int64) -> Bool {
        revokedAt == nil && (expiresAt.map { now < $0 } ?? true)
    }
}

/// The result of creating a key: the record plus the plaintext, which exists only here.
public struct CreatedAPIKey: Sendable {
    public let record: APIKeyRecord
    public let plaintext: String
}
