import Registry

extension SQLQueries {
    public func insertOrganization(_ org: Organization) async throws {
        try await executor.query(
            """
            INSERT INTO organizations (id, name, created_at, verified_level, verified_at, verified_by, verification_note, external_id, deleted_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            """,
            [
                .text(org.id), .text(org.name), .int(org.createdAt), .optional(org.verifiedLevel.map(Int64.init)),
                .optional(org.verifiedAt), .optional(org.verifiedBy), .optional(org.verificationNote),
                .optional(org.externalID), .optional(org.deletedAt),
            ]
        )
    }

    public func organization(id: String) async throws -> Organization? {
        try await executor.query("SELECT * FROM organizations WHERE id = $1", [.text(id)]).first.map(Self.organization(from:))
    }

    public func organization(named name: String) async throws -> Organization? {
        try await executor.query("SELECT * FROM organizations WHERE name = $1", [.text(name)]).first.map(Self.organization(from:))
    }

    public func setOrganizationVerification(orgID: String, level: Int, note: String, by actor: String, at: Int64) async throws -> Bool {
        let rows = try await executor.query(
            """
            UPDATE organizations SET verified_level = $2, verified_at = $3, verified_by = $4, verification_note = $5
            WHERE id = $1 RETURNING id
            """,
            [.text(orgID), .int(Int64(level)), .int(at), .text(actor), .text(note)]
        )
        return !rows.isEmpty
    }

    static func organization(from row: SQLRow) throws -> Organization {
        Organization(
            id: try row.string("id"), name: try row.string("name"), createdAt: try row.int("created_at"),
            verifiedLevel: try row.optionalInt("verified_level").map(Int.init), verifiedAt: try row.optionalInt("verified_at"),
            verifiedBy: try row.optionalString("verified_by"), verificationNote: try row.optionalString("verification_note"),
            externalID: try row.optionalString("external_id"), deletedAt: try row.optionalInt("deleted_at")
        )
    }
}
