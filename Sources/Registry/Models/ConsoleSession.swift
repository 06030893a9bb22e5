/// A signed-in admin console session. Stored by the SHA-256 of its id (only the browser's cookie
/// holds the id), with what signed in: the hash of an API key (its scopes apply, and a revoked or
/// expired key ends the session) or a dashboard user (Clerk; the user's membership and role in the
/// organisation apply, re-read on every request). Exactly one of `keyHash` and `userID` is set.
public struct ConsoleSession: Sendable, Equatable {
    /// Lower-case hex SHA-256 of the session id.
    public var idHash: String
    public var orgID: String
    /// Lower-case hex SHA-256 of the API key (as `APIKeyRecord.hash`), for a key sign-in.
    public var keyHash: String?
    /// The Insignia user id (`User.id`), for a Clerk session sign-in.
    public var userID: String?
    public var createdAt: Int64
    public var lastSeenAt: Int64

    public init(idHash: String, orgID: String, keyHash: String?, userID: String? = nil, createdAt: Int64, lastSeenAt: Int64) {
        self.idHash = idHash
        self.orgID = orgID
        self.keyHash = keyHash
        self.userID = userID
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
    }
}
