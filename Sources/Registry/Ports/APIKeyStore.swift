/// Storage port for registry API keys (stored by hash, never in plaintext).
public protocol APIKeyStore: Sendable {
    func insertAPIKey(_ key: APIKeyRecord) async throws
    /// The key with this hash, whatever its state (callers check `isUsable`).
    func apiKey(hash: String) async throws -> APIKeyRecord?
    /// The key with this hash, from a read as fresh as `freshness` asks.
    func apiKey(hash: String, freshness: ReadFreshness) async throws -> APIKeyRecord?
    /// Keys of one org (or of all orgs when nil), oldest first, including revoked ones.
    func apiKeys(orgID: String?) async throws -> [APIKeyRecord]
    /// Marks a key revoked; false if no unrevoked key with this id exists (in this org, if given).
    func revokeAPIKey(id: String, orgID: String?, at: Int64) async throws -> Bool
    func touchAPIKey(id: String, at: Int64) async throws
}

extension APIKeyStore {
    /// A store without a read cache reads every time.
    public func apiKey(hash: String, freshness: ReadFreshness) async throws -> APIKeyRecord? {
        try await apiKey(hash: hash)
    }
}
