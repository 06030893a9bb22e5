import Registry

extension MemoryQueries {
    public func insertOrganization(_ org: Organization) async throws {
        try await memory.write { state in try state.insertOrganization(org) }
    }

    public func organization(id: String) async throws -> Organization? {
        try await memory.read { $0.organizations[id] }
    }

    public func organization(named name: String) async throws -> Organization? {
        try await memory.read { state in state.organizations.values.first { $0.name == name } }
    }

    public func setOrganizationVerification(orgID: String, level: Int, note: String, by actor: String, at: Int64) async throws -> Bool {
        try await memory.write { state in
            guard var org = state.organizations[orgID] else { return false }
            org.verifiedLevel = level
            org.verifiedAt = at
            org.verifiedBy = actor
            org.verificationNote = note
            state.organizations[orgID] = org
            return true
        }
    }
}

extension MemoryState {
    /// `organizations`: id, name and (non-null) external id are unique.
    mutating func insertOrganization(_ org: Organization) throws {
        try unique("organizations.id", organizations[org.id] != nil)
        try unique("organizations.name", organizations.values.contains { $0.name == org.name })
        if let external = org.externalID {
            try unique("organizations.external_id", organizations.values.contains { $0.externalID == external })
        }
        organizations[org.id] = org
    }
}
