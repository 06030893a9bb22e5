/// The figures an organisation's console overview shows, counted at most every `maxAge` per
/// organisation: counting 100 k agents and a day's badges of a large ledger on every page load
/// costs more than the figures are worth (the page says they may be that old). Lists and detail
/// pages always read current data.
public struct OverviewService: Sendable {
    /// Counts for one organisation, and when they were taken.
    public struct Figures: Sendable {
        public var agents: Int
        /// Nil when the caller may not read MCP servers.
        public var servers: Int?
        public var issuedLastDay: Int
        public var revoked: Int
        public var countedAt: Int64
    }

    let agents: AgentService
    let badges: BadgeService
    let clock: any RegistryClock
    /// How old the figures may be.
    public let maxAge: Duration
    private let counted: SharedBuilds<String, Figures>

    public init(agents: AgentService, badges: BadgeService, clock: any RegistryClock, maxAge: Duration = .seconds(10)) {
        self.agents = agents
        self.badges = badges
        self.clock = clock
        self.maxAge = maxAge
        counted = SharedBuilds(maxAge: maxAge)
    }

    /// The organisation's figures (the caller checked agents:read; servers only with servers:read).
    public func figures(_ principal: Principal) async throws -> Figures {
        let withServers = principal.allows(Scope.serversRead)
        let agents = self.agents, badges = self.badges, clock = self.clock
        return try await counted.value(for: principal.orgID + (withServers ? " servers" : "")) {
            let now = clock.now()
            return Figures(
                agents: try await agents.count(principal),
                servers: withServers ? try await agents.scoped(to: .mcpServer).count(principal) : nil,
                issuedLastDay: try await badges.count(principal, .init(issuedSince: now - 86_400)),
                revoked: try await badges.count(principal, .init(status: .revoked)),
                countedAt: now
            )
        }
    }
}
