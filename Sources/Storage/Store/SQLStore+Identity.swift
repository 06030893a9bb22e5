import Registry

extension SQLQueries {
    // MARK: Users

    public func upsertUser(_ user: User) async throws -> User {
        // A deletion stays (`COALESCE(users.deleted_at, …)`): webhooks arrive out of order, and a
        // late `user.updated` must not revive a user deleted after it.
        let rows = try await executor.query(
            """
            INSERT INTO users (id, external_id, email, name, personal_org_id, created_at, updated_at, deleted_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (external_id) DO UPDATE SET
                email = COALESCE(excluded.email, users.email), name = COALESCE(excluded.name, users.name),
                updated_at = excluded.updated_at, deleted_at = COALESCE(users.deleted_at, excluded.deleted_at)
            RETURNING *
            """,
            [
                .text(user.id), .text(user.externalID), .optional(user.email), .optional(user.name), .optional(user.personalOrgID),
                .int(user.createdAt), .int(user.updatedAt), .optional(user.deletedAt),
            ]
        )
        guard let row = rows.first else { return user }
        return try Self.user(from: row)
    }

    public func user(externalID: String) async throws -> User? {
        try await executor.query("SELECT * FROM users WHERE external_id = $1", [.text(externalID)]).first.map(Self.user(from:))
    }

    public func user(id: String) async throws -> User? {
        try await executor.query("SELECT * FROM users WHERE id = $1", [.text(id)]).first.map(Self.user(from:))
    }

    public func setPersonalOrganization(userID: String, orgID: String) async throws -> Bool {
        let rows = try await executor.query(
            "UPDATE users SET personal_org_id = $2 WHERE id = $1 AND personal_org_id IS NULL RETURNING id", [.text(userID), .text(orgID)]
        )
        return !rows.isEmpty
    }

    public func markUserDeleted(id: String, at: Int64) async throws -> Bool {
        let rows = try await executor.query("UPDATE users SET deleted_at = $2, updated_at = $2 WHERE id = $1 RETURNING id", [.text(id), .int(at)])
        try await executor.query("DELETE FROM memberships WHERE user_id = $1", [.text(id)])
        return !rows.isEmpty
    }

    static func user(from row: SQLRow) throws -> User {
        User(
            id: try row.string("id"), externalID: try row.string("external_id"), email: try row.optionalString("email"),
            name: try row.optionalString("name"), personalOrgID: try row.optionalString("personal_org_id"),
            createdAt: try row.int("created_at"), updatedAt: try row.int("updated_at"), deletedAt: try row.optionalInt("deleted_at")
        )
    }

    // MARK: Mirrored organisations

    public func organization(externalID: String) async throws -> Organization? {
        try await executor.query("SELECT * FROM organizations WHERE external_id = $1", [.text(externalID)]).first.map(Self.organization(from:))
    }

    public func updateOrganization(id: String, name: String) async throws -> Bool {
        let rows = try await executor.query(
            "UPDATE organizations SET name = $2, deleted_at = NULL WHERE id = $1 RETURNING id", [.text(id), .text(name)]
        )
        return !rows.isEmpty
    }

    public func markOrganizationDeleted(id: String, at: Int64) async throws -> Bool {
        let rows = try await executor.query("UPDATE organizations SET deleted_at = $2 WHERE id = $1 RETURNING id", [.text(id), .int(at)])
        try await executor.query("DELETE FROM memberships WHERE org_id = $1", [.text(id)])
        try await executor.query("UPDATE api_keys SET revoked_at = $2 WHERE org_id = $1 AND revoked_at IS NULL", [.text(id), .int(at)])
        return !rows.isEmpty
    }

    // MARK: Memberships

    public func upsertMembership(_ membership: Membership) async throws {
        try await executor.query(
            """
            INSERT INTO memberships (org_id, user_id, role, created_at, updated_at) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (org_id, user_id) DO UPDATE SET role = excluded.role, updated_at = excluded.updated_at
            """,
            [.text(membership.orgID), .text(membership.userID), .text(membership.role.rawValue), .int(membership.createdAt), .int(membership.updatedAt)]
        )
    }

    public func membership(orgID: String, userID: String) async throws -> Membership? {
        try await executor.query(
            "SELECT * FROM memberships WHERE org_id = $1 AND user_id = $2", [.text(orgID), .text(userID)]
        ).first.map(Self.membership(from:))
    }

    public func deleteMembership(orgID: String, userID: String) async throws -> Bool {
        let rows = try await executor.query(
            "DELETE FROM memberships WHERE org_id = $1 AND user_id = $2 RETURNING org_id", [.text(orgID), .text(userID)]
        )
        return !rows.isEmpty
    }

    public func memberships(userID: String) async throws -> [Membership] {
        try await executor.query(
            """
            SELECT m.* FROM memberships m JOIN organizations o ON o.id = m.org_id
            WHERE m.user_id = $1 AND o.deleted_at IS NULL ORDER BY m.created_at, m.org_id
            """,
            [.text(userID)]
        ).map(Self.membership(from:))
    }

    public func members(orgID: String) async throws -> [Membership] {
        try await executor.query(
            "SELECT * FROM memberships WHERE org_id = $1 ORDER BY created_at, user_id", [.text(orgID)]
        ).map(Self.membership(from:))
    }

    static func membership(from row: SQLRow) throws -> Membership {
        Membership(
            orgID: try row.string("org_id"), userID: try row.string("user_id"),
            role: OrgRole(rawValue: try row.string("role")) ?? .member,
            createdAt: try row.int("created_at"), updatedAt: try row.int("updated_at")
        )
    }

    // MARK: Webhook deliveries

    public func recordWebhookDelivery(id: String, type: String, at: Int64) async throws -> Bool {
        let rows = try await executor.query(
            "INSERT INTO webhook_deliveries (id, event_type, received_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING RETURNING id",
            [.text(id), .text(type), .int(at)]
        )
        return !rows.isEmpty
    }
}
