import BadgeCore

/// Lifecycle state stored for an agent (CONTRACT.md §4.3.9).
public enum AgentStatus: String, Sendable, CaseIterable {
    case active, inactive, disabled, suspended

    /// Whether the agent may act (receive badges, pass status checks).
    public var isUsable: Bool { self == .active || self == .inactive }

    /// The value the public status endpoint reports: verifiers accept only `active`.
    public var publicStatus: String {
        switch self {
        case .disabled: "disabled"
        case .suspended: "suspended"
        case .active, .inactive: "active"
        }
    }
}

/// What a registry identity is: an agent, or an MCP server (RFC-007). Both live in one registry,
/// so badges, verification, status and events treat them alike; routes and lists keep them apart.
public enum AgentKind: String, Sendable, CaseIterable {
    case agent
    case mcpServer = "mcp_server"

    /// The path segment of its registry `did:web` and its public routes (`agents`, `servers`).
    public var collection: String {
        switch self {
        case .agent: "agents"
        case .mcpServer: "servers"
        }
    }

    /// How messages name it.
    public var noun: String {
        switch self {
        case .agent: "agent"
        case .mcpServer: "MCP server"
        }
    }

    /// The prefix of its audit event types (`agent.created`, `server.created`, …).
    public var eventPrefix: String {
        switch self {
        case .agent: "agent"
        case .mcpServer: "server"
        }
    }
}

/// A registered agent or MCP server (`kind`).
public struct Agent: Sendable, Equatable {
    public var id: String
    public var orgID: String
    /// Fixed at creation.
    public var kind: AgentKind
    public var userID: String?
    public var name: String
    public var description: String?
    public var domain: String?
    public var did: String?
    /// The agent's Ed25519 public key as a compact JWK JSON string (`{"crv","kty","x"}`).
    public var publicKeyJWK: String?
    public var status: AgentStatus
    public var `protocol`: String?
    public var agentCard: JSONValue?
    /// Highest trust level this agent may be issued, `"1"`…`"4"`.
    public var trustLevel: String
    public var createdAt: Int64
    public var updatedAt: Int64
    public var disabledAt: Int64?
    public var disableReason: String?
    /// Where an MCP server is reached (servers only; informational).
    public var url: String?
    /// Raised by one with every stored update. An update is stored only over the revision it was
    /// read at, so two read-modify-writes that overlap cannot silently undo each other (an SDK's
    /// start-up `PUT` re-activating an agent disabled a moment earlier, say).
    public var revision: Int64

    public init(
        id: String, orgID: String, kind: AgentKind = .agent, userID: String? = nil, name: String, description: String? = nil,
        domain: String? = nil, did: String? = nil, publicKeyJWK: String? = nil, status: AgentStatus = .active,
        protocol: String? = nil, agentCard: JSONValue? = nil, trustLevel: String = "1",
        createdAt: Int64, updatedAt: Int64, disabledAt: Int64? = nil, disableReason: String? = nil, url: String? = nil,
        revision: Int64 = 0
    ) {
        self.id = id
        self.orgID = orgID
        self.kind = kind
        self.userID = userID
        self.name = name
        self.description = description
        self.domain = domain
        self.did = did
        self.publicKeyJWK = publicKeyJWK
        self.status = status
        self.protocol = `protocol`
        self.agentCard = agentCard
        self.trustLevel = trustLevel
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.disabledAt = disabledAt
        self.disableReason = disableReason
        self.url = url
        self.revision = revision
    }
}

/// A position in a list ordered by (created_at, id); opaque to clients.
public struct PageCursor: Sendable, Equatable {
    public var createdAt: Int64
    public var id: String

    public init(createdAt: Int64, id: String) {
        self.createdAt = createdAt
        self.id = id
    }
}

extension Agent {
    /// Refuses a disabled or suspended agent or server: no badges are issued for it.
    public func requireUsable() throws {
        guard status.isUsable else {
            throw RegistryError(.agentDisabled, "\(kind.noun) is \(status.rawValue); no badges are issued for it")
        }
    }

    /// The agent's public key: the registered JWK, else the key inside its `did:key`.
    public var publicKey: PublicJWK? {
        if let stored = publicKeyJWK.flatMap(PublicJWK.fromCompactJSON) { return stored }
        if let did, did.hasPrefix("did:key:") { return try? DIDKey.publicKey(fromDID: did) }
        return nil
    }
}
