import Registry

extension MemoryQueries {
    // MARK: Users

    /// On a known external id: email and name change only when given, `updatedAt` always, and
    /// `deletedAt` only while the user is not deleted (as the SQL upsert's `COALESCE`s); id,
    /// personal org and creation time stay.
    public func upsertUser(_ user: User) async throws -> User {
        try await memory.write { state in
            if var existing = state.users.values.first(where: { $0.externalID == user.externalID }) {
                existing.email = user.email ?? existing.email
                existing.name = user.name ?? existing.name
                existing.updatedAt = user.updatedAt
                existing.deletedAt = existing.deletedAt ?? user.deletedAt
                state.users[existing.id] = existing
                return existing
            }
            try state.unique("users.id", state.users[user.id] != nil)
            if let orgID = user.personalOrgID { try state.requireOrganization(orgID, for: "users.personal_org_id") }
            state.users[user.id] = user
            return user
        }
    }

    public func user(externalID: String) async throws -> User? {
        try await memory.read { state in state.users.values.first { $0.externalID == externalID } }
    }

    public func user(id: String) async throws -> User? {
        try await memory.read { $0.users[id] }
    }

    /// Only while the user has none.
    public func setPersonalOrganization(userID: String, orgID: String) async throws -> Bool {
        try await memory.write { state in
            guard var user = state.users[userID], user.personalOrgID == nil else { return false }
            try state.requireOrganization(orgID, for: "users.personal_org_id")
            user.personalOrgID = orgID
            state.users[userID] = user
            return true
        }
    }

    public func markUserDeleted(id: String, at: Int64) async throws -> Bool {
        try await memory.write { state in
            state.memberships = state.memberships.filter { $0.key.userID != id }
            guard var user = state.users[id] else { return false }
            user.deletedAt = at
            user.updatedAt = at
            state.users[id] = user
            return true
        }
    }

    // MARK: Mirrored organisations

    public func organization(externalID: String) async throws -> Organization? {
        try await memory.read { state in state.organizations.values.first { $0.externalID == externalID } }
    }

    public func updateOrganization(id: String, name: String) async throws -> Bool {
        try await memory.write { state in
            guard var org = state.organizations[id] else { return false }
            try state.unique("organizations.name", state.organizations.values.contains { $0.name == name && $0.id != id })
            org.name = name
            org.deletedAt = nil
            state.organizations[id] = org
            return true
        }
    }

    public func markOrganizationDeleted(id: String, at: Int64) async throws -> Bool {
        try await memory.write { state in
            state.memberships = state.memberships.filter { $0.key.orgID != id }
            for (keyID, var key) in state.apiKeys where key.orgID == id && key.revokedAt == nil {
                key.revokedAt = at
                state.apiKeys[keyID] = key
            }
            guard var org = state.organizations[id] else { return false }
            org.deletedAt = at
            state.organizations[id] = org
            return true
        }
    }

    // MARK: Memberships

    /// A new membership is inserted whole; an existing one changes only its role and `updatedAt`.
    public func upsertMembership(_ membership: Membership) async throws {
        try await memory.write { state in
            let key = MembershipKey(orgID: membership.orgID, userID: membership.userID)
            if var existing = state.memberships[key] {
                existing.role = membership.role
                existing.updatedAt = membership.updatedAt
                state.memberships[key] = existing
            } else {
                try state.requireOrganization(membership.orgID, for: "memberships.org_id")
                state.memberships[key] = membership
            }
        }
    }

    public func membership(orgID: String, userID: String) async throws -> Membership? {
        try await memory.read { $0.memberships[MembershipKey(orgID: orgID, userID: userID)] }
    }

    public func deleteMembership(orgID: String, userID: String) async throws -> Bool {
        try await memory.write { state in
            state.memberships.removeValue(forKey: MembershipKey(orgID: orgID, userID: userID)) != nil
        }
    }

    public func memberships(userID: String) async throws -> [Membership] {
        try await memory.read { state in
            state.memberships.values
                .filter { $0.userID == userID && state.organizations[$0.orgID].map { $0.deletedAt == nil } == true }
                .sorted { ($0.createdAt, $0.orgID) < ($1.createdAt, $1.orgID) }
        }
    }

    public func members(orgID: String) async throws -> [Membership] {
        try await memory.read { state in
            state.memberships.values.filter { $0.orgID == orgID }.sorted { ($0.createdAt, $0.userID) < ($1.createdAt, $1.userID) }
        }
    }

    // MARK: Webhook deliveries

    public func recordWebhookDelivery(id: String, type: String, at: Int64) async throws -> Bool {
        try await memory.write { state in
            guard state.webhookDeliveries[id] == nil else { return false }
            state.webhookDeliveries[id] = WebhookDelivery(type: type, receivedAt: at)
            return true
        }
    }
}
