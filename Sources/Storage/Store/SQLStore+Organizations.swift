import Registry

extension SQLStore {
    public func insertOrganization(_ org: Organization) async throws {
        try await database.query(
            "INSERT INTO organizations (id, name, created_at) VALUES ($1, $2, $3)",
            [.text(org.id), .text(org.name), .int(org.createdAt)]
        )
    }

    public func organization(id: String) async throws -> Organization? {
        try await database.query("SELECT * FROM organizations WHERE id = $1", [.text(id)]).first.map(Self.organization(from:))
    }

    public func organization(named name: String) async throws -> Organization? {
        try await database.query("SELECT * FROM organizations WHERE name = $1", [.text(name)]).first.map(Self.organization(from:))
    }

    static func organization(from row: SQLRow) throws -> Organization {
        Organization(id: try row.string("id"), name: try row.string("name"), createdAt: try row.int("created_at"))
    }
}
