import Registry

extension MemoryQueries {
    public func insertAPIKey(_ key: APIKeyRecord) async throws {
        try await memory.write { state in
            try state.unique("api_keys.id", state.apiKeys[key.id] != nil)
            try state.unique("api_keys.key_hash", state.apiKeys.values.contains { $0.hash == key.hash })
            try state.requireOrganization(key.orgID, for: "api_keys.org_id")
            state.apiKeys[key.id] = MemoryRows.stored(key)
        }
    }

    public func apiKey(hash: String) async throws -> APIKeyRecord? {
        try await memory.read { state in state.apiKeys.values.first { $0.hash == hash } }
    }

    public func apiKeys(orgID: String?) async throws -> [APIKeyRecord] {
        try await memory.read { state in
            state.apiKeys.values.filter { orgID == nil || $0.orgID == orgID }.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        }
    }

    public func revokeAPIKey(id: String, orgID: String?, at: Int64) async throws -> Bool {
        try await memory.write { state in
            guard var key = state.apiKeys[id], orgID == nil || key.orgID == orgID, key.revokedAt == nil else { return false }
            key.revokedAt = at
            state.apiKeys[id] = key
            return true
        }
    }

    public func touchAPIKey(id: String, at: Int64) async throws {
        try await memory.write { state in state.apiKeys[id]?.lastUsedAt = at }
    }
}
