import BadgeCore
import Registry

extension SQLQueries {
    public func insertAgent(_ agent: Agent) async throws {
        try await executor.query(
            "INSERT INTO agents (\(SQLColumns.agent)) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)",
            Self.agentBinds(agent)
        )
    }

    public func agent(id: String) async throws -> Agent? {
        try await executor.query("SELECT * FROM agents WHERE id = $1", [.text(id)]).first.map(Self.agent(from:))
    }

    public func agent(did: String) async throws -> Agent? {
        try await executor.query("SELECT * FROM agents WHERE did = $1", [.text(did)]).first.map(Self.agent(from:))
    }

    public func agent(did: String, elseID id: String) async throws -> Agent? {
        let rows = try await executor.query("SELECT * FROM agents WHERE did = $1 OR id = $2", [.text(did), .text(id)]).map(Self.agent(from:))
        return rows.first { $0.did == did } ?? rows.first
    }

    public func agents(orgID: String, kind: AgentKind, after cursor: PageCursor?, limit: Int?) async throws -> [Agent] {
        var sql = "SELECT * FROM agents WHERE org_id = $1 AND kind = $2"
        var binds: [SQLValue] = [.text(orgID), .text(kind.rawValue)]
        if let cursor {
            sql += " AND (created_at > $3 OR (created_at = $3 AND id > $4))"
            binds += [.int(cursor.createdAt), .text(cursor.id)]
        }
        sql += " ORDER BY created_at, id"
        if let limit {
            sql += " LIMIT \(max(0, limit))"
        }
        return try await executor.query(sql, binds).map(Self.agent(from:))
    }

    public func updateAgent(_ agent: Agent) async throws -> Bool {
        let rows = try await executor.query(
            """
            UPDATE agents SET user_id = $3, name = $4, description = $5, domain = $6, did = $7, public_key_jwk = $8,
                status = $9, protocol = $10, agent_card = $11, trust_level = $12, created_at = $13, updated_at = $14,
                disabled_at = $15, disable_reason = $16, url = $18, revision = revision + 1
            WHERE id = $1 AND org_id = $2 AND kind = $17 AND revision = $19 RETURNING id
            """,
            Self.agentBinds(agent)
        )
        return !rows.isEmpty
    }

    public func deleteAgent(id: String, orgID: String) async throws -> Bool {
        !(try await executor.query("DELETE FROM agents WHERE id = $1 AND org_id = $2 RETURNING id", [.text(id), .text(orgID)])).isEmpty
    }

    static func agentBinds(_ a: Agent) -> [SQLValue] {
        [
            .text(a.id), .text(a.orgID), .optional(a.userID), .text(a.name), .optional(a.description),
            .optional(a.domain), .optional(a.did), .optional(a.publicKeyJWK), .text(a.status.rawValue),
            .optional(a.protocol), .optional(a.agentCard.map { String(decoding: $0.serialized(), as: UTF8.self) }),
            .text(a.trustLevel), .int(a.createdAt), .int(a.updatedAt), .optional(a.disabledAt), .optional(a.disableReason),
            .text(a.kind.rawValue), .optional(a.url), .int(a.revision),
        ]
    }

    static func agent(from row: SQLRow) throws -> Agent {
        Agent(
            id: try row.string("id"), orgID: try row.string("org_id"),
            // An unknown kind (a newer schema's) is never served as an agent.
            kind: AgentKind(rawValue: try row.string("kind")) ?? .mcpServer, userID: try row.optionalString("user_id"),
            name: try row.string("name"), description: try row.optionalString("description"),
            domain: try row.optionalString("domain"), did: try row.optionalString("did"),
            publicKeyJWK: try row.optionalString("public_key_jwk"),
            status: AgentStatus(rawValue: try row.string("status")) ?? .disabled,
            protocol: try row.optionalString("protocol"),
            agentCard: try row.optionalString("agent_card").flatMap { try? JSONValue.parse(Array($0.utf8)) },
            trustLevel: try row.string("trust_level"), createdAt: try row.int("created_at"),
            updatedAt: try row.int("updated_at"), disabledAt: try row.optionalInt("disabled_at"),
            disableReason: try row.optionalString("disable_reason"),
            url: try row.optionalString("url"), revision: try row.int("revision")
        )
    }
}
