import BadgeCore
import Hummingbird
import Registry

/// The console's two registries: agents and MCP servers share their pages, as the API shares its
/// handlers (`RegistryRoutes`); only paths, scopes, names and the server's URL field differ.
extension RegistryRoutes {
    /// The console path of the list (`/console/agents`, `/console/servers`).
    var consolePath: String { "/console/\(kind.collection)" }
    /// The scope that issues badges for one: `badges:issue` for agents, `servers:write` for servers (as the API).
    var issueScope: String { kind == .agent ? Scope.badgesIssue : writeScope }
    /// The list page's heading.
    var plural: String { kind == .agent ? "Agents" : "MCP servers" }
}

/// Agent and MCP server pages: list and search, detail, create, edit, disable/enable, delete, issue a badge.
extension ConsoleController {
    func registerRegistry(_ r: RegistryRoutes, on router: Router<AppRequestContext>) {
        let base = r.consolePath
        let registry = services.agents.scoped(to: r.kind)
        page(router, RouterPath(base)) { session, request in try await self.list(r, session, try ConsoleForm.query(request)) }
        page(router, RouterPath(base + "/new")) { session, _ in
            _ = try session.require(r.writeScope)
            return ConsoleLayout.page("New \(r.title)", session: session, current: base) { self.agentForm(r, session, nil) }
        }
        action(router, RouterPath(base)) { session, form in
            let agent = try await registry.create(try session.require(r.writeScope), Self.agentInput(form))
            return ConsoleLayout.redirect("\(base)/\(agent.id)")
        }
        page(router, RouterPath(base + "/{id}")) { session, _ in try await self.agentDetail(r, session) }
        page(router, RouterPath(base + "/{id}/edit")) { session, _ in
            let agent = try await registry.get(try session.require(r.writeScope), try session.context.pathParameter("id"))
            return ConsoleLayout.page("Edit \(agent.name)", session: session, current: base) { self.agentForm(r, session, agent) }
        }
        action(router, RouterPath(base + "/{id}")) { session, form in
            let agent = try await registry.update(try session.require(r.writeScope), try session.context.pathParameter("id"), Self.agentInput(form))
            return ConsoleLayout.redirect("\(base)/\(agent.id)")
        }
        action(router, RouterPath(base + "/{id}/disable")) { session, form in
            let agent = try await registry.disable(try session.require(r.writeScope), try session.context.pathParameter("id"), reason: form["reason"])
            return ConsoleLayout.redirect("\(base)/\(agent.id)")
        }
        action(router, RouterPath(base + "/{id}/enable")) { session, _ in
            let agent = try await registry.enable(try session.require(r.writeScope), try session.context.pathParameter("id"))
            return ConsoleLayout.redirect("\(base)/\(agent.id)")
        }
        page(router, RouterPath(base + "/{id}/delete")) { session, _ in
            let agent = try await registry.get(try session.require(r.writeScope), try session.context.pathParameter("id"))
            return ConsoleLayout.page("Delete \(agent.name)?", session: session, current: base) {
                el("p") { "The \(r.kind.noun) is removed from the registry. Badges already issued stay in the ledger until they expire; revoke them first if they must stop working now." }
                session.form("\(base)/\(agent.id)/delete") {
                    el("button", ["type": "submit", "class": "danger"]) { "Delete this \(r.kind.noun)" }
                    " "
                    el("a", ["href": "\(base)/\(agent.id)"]) { "Cancel" }
                }
            }
        }
        action(router, RouterPath(base + "/{id}/delete")) { session, _ in
            try await registry.delete(try session.require(r.writeScope), try session.context.pathParameter("id"))
            return ConsoleLayout.redirect(base)
        }
        action(router, RouterPath(base + "/{id}/badges")) { session, form in try await self.issueBadge(r, session, form) }
    }

    private func list(_ r: RegistryRoutes, _ session: ConsoleSignedIn, _ query: ConsoleForm) async throws -> Response {
        let principal = try session.require(r.readScope)
        let base = r.consolePath
        let status = try ConsoleWidgets.parse(query, "status", as: AgentStatus.self)
        let page = try await services.agents.scoped(to: r.kind).search(principal, query["q"], status: status, cursor: query["cursor"], limit: Self.pageSize)
        return ConsoleLayout.page(r.plural, session: session, current: base) {
            el("p") { el("a", ["href": base + "/new", "class": "button"]) { "New \(r.kind.noun)" } }
            el("form", ["method": "get", "action": base, "class": "filters", "role": "search"]) {
                field("Search (name, DID or domain)", "q", query["q"])
                ConsoleWidgets.choice("Status", "status", selected: status)
                el("button", ["type": "submit"]) { "Search" }
            }
            el("table", ["class": "list", "id": "agents"]) {
                el("thead") { el("tr") { el("th") { "Name" }; el("th") { "Status" }; el("th") { "DID" }; el("th") { "Domain" }; el("th") { "Created" } } }
                el("tbody") {
                    for agent in page.agents {
                        el("tr") {
                            el("td") { el("a", ["href": "\(base)/\(agent.id)"]) { agent.name } }
                            el("td") { el("span", ["class": "state \(agent.status.rawValue)"]) { agent.status.rawValue } }
                            el("td") { el("code") { agent.did ?? "—" } }
                            el("td") { agent.domain ?? "—" }
                            el("td") { ConsoleLayout.time(agent.createdAt) }
                        }
                    }
                }
            }
            if page.agents.isEmpty { el("p", ["class": "empty"]) { "Nothing matches." } }
            if let next = page.nextCursor {
                el("p") {
                    el("a", ["rel": "next", "href": base + ConsoleQuery.string([("q", query["q"]), ("status", query["status"]), ("cursor", next)])]) { "Next page" }
                }
            }
        }
    }

    private func agentDetail(_ r: RegistryRoutes, _ session: ConsoleSignedIn, issued: IssuedBadge? = nil) async throws -> Response {
        let principal = try session.require(r.readScope)
        let agent = try await services.agents.scoped(to: r.kind).get(principal, try session.context.pathParameter("id"))
        let recent = try await services.badges.list(principal, .init(agentID: agent.id), cursor: nil, limit: 10).badges
        let now = services.clock.now()
        let base = r.consolePath
        return ConsoleLayout.page(agent.name, session: session, current: base) {
            if let issued {
                ConsoleWidgets.shownOnce(
                    "Badge issued", note: "Copy the badge now: it is not shown again (the ledger keeps only its claims).",
                    id: "issued-token", value: issued.token, rows: 4
                )
            }
            el("dl", ["class": "facts"]) {
                fact("Id") { el("code") { agent.id } }
                fact("Status") {
                    el("span", ["class": "state \(agent.status.rawValue)"]) { agent.status.rawValue }
                    if let reason = agent.disableReason { " — \(reason)" }
                }
                fact("DID") { el("code") { agent.did ?? "—" } }
                fact("DID document") {
                    el("a", ["href": "/\(r.kind.collection)/\(agent.id)/did.json"]) { "/\(r.kind.collection)/\(agent.id)/did.json" }
                }
                fact("Public key") { el("code") { agent.publicKeyJWK ?? "—" } }
                fact("Domain") { agent.domain ?? "—" }
                if r.kind == .mcpServer { fact("URL") { agent.url ?? "—" } }
                fact("Description") { agent.description ?? "—" }
                fact("Protocol") { agent.protocol ?? "—" }
                fact("Highest level") { agent.trustLevel }
                fact("Created") { ConsoleLayout.time(agent.createdAt) }
                fact("Updated") { ConsoleLayout.time(agent.updatedAt) }
            }
            el("div", ["class": "actions"]) {
                el("a", ["class": "button", "href": "\(base)/\(agent.id)/edit"]) { "Edit" }
                if agent.status == .disabled {
                    session.form("\(base)/\(agent.id)/enable") { el("button", ["type": "submit"]) { "Enable" } }
                } else {
                    session.form("\(base)/\(agent.id)/disable", class: "inline") {
                        el("label") { el("span") { "Reason" }; HTML.void("input", ["name": "reason", "maxlength": "500"]) }
                        el("button", ["type": "submit"]) { "Disable" }
                    }
                }
                el("a", ["class": "button danger", "href": "\(base)/\(agent.id)/delete"]) { "Delete…" }
            }
            el("h2") { "Issue a badge" }
            session.form("\(base)/\(agent.id)/badges", class: "inline") {
                el("label") {
                    el("span") { "Level" }
                    el("select", ["name": "level"]) {
                        for level in TrustLevel.allCases where level != .selfSigned {
                            el("option", ["value": level.rawValue, "selected": level.rawValue == "1" ? "" : nil]) { level.rawValue }
                        }
                    }
                }
                el("label") { el("span") { "TTL (seconds)" }; HTML.void("input", ["name": "ttl", "type": "number", "min": "1", "value": "300"]) }
                el("button", ["type": "submit", "id": "issue-badge"]) { "Issue badge" }
            }
            el("h2") { "Recent badges" }
            badgeTable(recent, now: now)
            el("p") { el("a", ["href": "/console/badges?agent=\(agent.id)"]) { "All its badges" } }
        }
    }

    private func issueBadge(_ r: RegistryRoutes, _ session: ConsoleSignedIn, _ form: ConsoleForm) async throws -> Response {
        let principal = try session.require(r.issueScope)
        var request = IAL0Request()
        if let level = form["level"] {
            guard let parsed = TrustLevel(rawValue: level) else { throw RegistryError.invalidRequest("level must be 1 to 4") }
            request.level = parsed
        }
        if let ttl = form["ttl"] {
            guard let seconds = Int64(ttl), seconds > 0 else { throw RegistryError.invalidRequest("TTL must be a whole number of seconds") }
            request.ttlSeconds = seconds
        }
        let issued = try await services.badges.issueIAL0(principal, try session.context.pathParameter("id"), request, kind: r.kind)
        return try await agentDetail(r, session, issued: issued)
    }

    private func agentForm(_ r: RegistryRoutes, _ session: ConsoleSignedIn, _ agent: Agent?) -> HTML {
        session.form(r.consolePath + (agent.map { "/\($0.id)" } ?? ""), class: "card") {
            field("Name", "name", agent?.name, required: true)
            field("Description", "description", agent?.description)
            field("Domain", "domain", agent?.domain, placeholder: "agent.example.com")
            if agent?.did == nil { field("DID (optional, write-once)", "did", nil, placeholder: "did:key:z6Mk…") }
            if r.kind == .mcpServer { field("URL", "url", agent?.url, placeholder: "https://mcp.example.com/mcp") }
            field("Protocol", "protocol", agent?.protocol, placeholder: "a2a")
            el("button", ["type": "submit"]) { agent == nil ? "Create \(r.kind.noun)" : "Save" }
        }
    }

    /// The form's fields as the API's merge input: a blank optional field clears it.
    static func agentInput(_ form: ConsoleForm) -> AgentInput {
        var input = AgentInput()
        input.name = .some(form["name"])
        input.description = .some(form["description"])
        input.domain = .some(form["domain"])
        input.protocol = .some(form["protocol"])
        if let url = form["url"] { input.url = .some(url) }
        if let did = form["did"] { input.did = .some(did) }
        return input
    }

    func fact(_ label: String, @HTMLBuilder _ value: () -> [HTML]) -> HTML {
        fragment {
            el("dt") { label }
            el("dd") { value() }
        }
    }
}
