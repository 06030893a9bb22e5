/// A signed-in admin console session. Stored by the SHA-256 of its id (only the browser's cookie
/// holds the id), with the hash of the API key that signed in: the key's scopes apply, and a
/// revoked or expired key ends the session.
public struct ConsoleSession: Sendable, Equatable {
    /// Lower-case hex SHA-256 of the session id.
    public var idHash: String
    public var orgID: String
    /// Lower-case hex SHA-256 of the API key (as `APIKeyRecord.hash`).
    public var keyHash: String
    public var createdAt: Int64
    public var lastSeenAt: Int64

    public init(idHash: String, orgID: String, keyHash: String, createdAt: Int64, lastSeenAt: Int64) {
        self.idHash = idHash
        self.orgID = orgID
        self.keyHash = keyHash
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
    }
}
