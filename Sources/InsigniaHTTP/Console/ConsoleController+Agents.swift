import BadgeCore
import Hummingbird
import Registry

/// Agent pages: list and search, detail, create, edit, disable/enable, delete, issue a badge.
extension ConsoleController {
    func registerAgents(on router: Router<AppRequestContext>) {
        page(router, "/console/agents") { session, request in try await self.agents(session, try ConsoleForm.query(request)) }
        page(router, "/console/agents/new") { session, _ in
            _ = try session.require(Scope.agentsWrite)
            return ConsoleLayout.page("New agent", session: session, current: "/console/agents") { self.agentForm(session, nil) }
        }
        action(router, "/console/agents") { session, form in
            let agent = try await self.services.agents.create(try session.require(Scope.agentsWrite), Self.agentInput(form))
            return ConsoleLayout.redirect("/console/agents/\(agent.id)")
        }
        page(router, "/console/agents/{id}") { session, _ in try await self.agentDetail(session) }
        page(router, "/console/agents/{id}/edit") { session, _ in
            let agent = try await self.services.agents.get(try session.require(Scope.agentsWrite), try session.context.pathParameter("id"))
            return ConsoleLayout.page("Edit \(agent.name)", session: session, current: "/console/agents") { self.agentForm(session, agent) }
        }
        action(router, "/console/agents/{id}") { session, form in
            let agent = try await self.services.agents.update(
                try session.require(Scope.agentsWrite), try session.context.pathParameter("id"), Self.agentInput(form)
            )
            return ConsoleLayout.redirect("/console/agents/\(agent.id)")
        }
        action(router, "/console/agents/{id}/disable") { session, form in
            let agent = try await self.services.agents.disable(
                try session.require(Scope.agentsWrite), try session.context.pathParameter("id"), reason: form["reason"]
            )
            return ConsoleLayout.redirect("/console/agents/\(agent.id)")
        }
        action(router, "/console/agents/{id}/enable") { session, _ in
            let agent = try await self.services.agents.enable(try session.require(Scope.agentsWrite), try session.context.pathParameter("id"))
            return ConsoleLayout.redirect("/console/agents/\(agent.id)")
        }
        page(router, "/console/agents/{id}/delete") { session, _ in
            let agent = try await self.services.agents.get(try session.require(Scope.agentsWrite), try session.context.pathParameter("id"))
            return ConsoleLayout.page("Delete \(agent.name)?", session: session, current: "/console/agents") {
                el("p") { "The agent is removed from the registry. Badges already issued stay in the ledger until they expire; revoke them first if they must stop working now." }
                session.form("/console/agents/\(agent.id)/delete") {
                    el("button", ["type": "submit", "class": "danger"]) { "Delete this agent" }
                    " "
                    el("a", ["href": "/console/agents/\(agent.id)"]) { "Cancel" }
                }
            }
        }
        action(router, "/console/agents/{id}/delete") { session, _ in
            try await self.services.agents.delete(try session.require(Scope.agentsWrite), try session.context.pathParameter("id"))
            return ConsoleLayout.redirect("/console/agents")
        }
        action(router, "/console/agents/{id}/badges") { session, form in try await self.issueBadge(session, form) }
    }

    private func agents(_ session: ConsoleSignedIn, _ query: ConsoleForm) async throws -> Response {
        let principal = try session.require(Scope.agentsRead)
        let status = try query["status"].map { text in
            guard let status = AgentStatus(rawValue: text) else { throw RegistryError.invalidRequest("status must be one of active, inactive, disabled, suspended") }
            return status
        }
        let page = try await services.agents.search(principal, query["q"], status: status, cursor: query["cursor"], limit: Self.pageSize)
        return ConsoleLayout.page("Agents", session: session, current: "/console/agents") {
            el("p") { el("a", ["href": "/console/agents/new", "class": "button"]) { "New agent" } }
            el("form", ["method": "get", "action": "/console/agents", "class": "filters", "role": "search"]) {
                field("Search (name, DID or domain)", "q", query["q"])
                el("label") {
                    el("span") { "Status" }
                    el("select", ["name": "status"]) {
                        el("option", ["value": ""]) { "any" }
                        for option in AgentStatus.allCases {
                            el("option", ["value": option.rawValue, "selected": option == status ? "" : nil]) { option.rawValue }
                        }
                    }
                }
                el("button", ["type": "submit"]) { "Search" }
            }
            el("table", ["class": "list", "id": "agents"]) {
                el("thead") { el("tr") { el("th") { "Name" }; el("th") { "Status" }; el("th") { "DID" }; el("th") { "Domain" }; el("th") { "Created" } } }
                el("tbody") {
                    for agent in page.agents {
                        el("tr") {
                            el("td") { el("a", ["href": "/console/agents/\(agent.id)"]) { agent.name } }
                            el("td") { el("span", ["class": "state \(agent.status.rawValue)"]) { agent.status.rawValue } }
                            el("td") { el("code") { agent.did ?? "—" } }
                            el("td") { agent.domain ?? "—" }
                            el("td") { ConsoleLayout.time(agent.createdAt) }
                        }
                    }
                }
            }
            if page.agents.isEmpty { el("p", ["class": "empty"]) { "No agents match." } }
            if let next = page.nextCursor {
                el("p") {
                    el("a", ["rel": "next", "href": "/console/agents" + ConsoleQuery.string([("q", query["q"]), ("status", query["status"]), ("cursor", next)])]) { "Next page" }
                }
            }
        }
    }

    private func agentDetail(_ session: ConsoleSignedIn, issued: IssuedBadge? = nil) async throws -> Response {
        let principal = try session.require(Scope.agentsRead)
        let agent = try await services.agents.get(principal, try session.context.pathParameter("id"))
        let recent = try await services.badges.list(principal, .init(agentID: agent.id), cursor: nil, limit: 10).badges
        let now = services.clock.now()
        return ConsoleLayout.page(agent.name, session: session, current: "/console/agents") {
            if let issued {
                el("section", ["class": "once", "aria-labelledby": "issued-title"]) {
                    el("h2", ["id": "issued-title"]) { "Badge issued" }
                    el("p") { "Copy the badge now: it is not shown again (the ledger keeps only its claims)." }
                    el("textarea", ["id": "issued-token", "readonly": "", "rows": "4"]) { issued.token }
                    el("button", ["type": "button", "data-copy": "issued-token"]) { "Copy" }
                }
            }
            el("dl", ["class": "facts"]) {
                fact("Id") { el("code") { agent.id } }
                fact("Status") {
                    el("span", ["class": "state \(agent.status.rawValue)"]) { agent.status.rawValue }
                    if let reason = agent.disableReason { " — \(reason)" }
                }
                fact("DID") { el("code") { agent.did ?? "—" } }
                fact("DID document") {
                    el("a", ["href": "/agents/\(agent.id)/did.json"]) { "/agents/\(agent.id)/did.json" }
                }
                fact("Public key") { el("code") { agent.publicKeyJWK ?? "—" } }
                fact("Domain") { agent.domain ?? "—" }
                fact("Description") { agent.description ?? "—" }
                fact("Protocol") { agent.protocol ?? "—" }
                fact("Highest level") { agent.trustLevel }
                fact("Created") { ConsoleLayout.time(agent.createdAt) }
                fact("Updated") { ConsoleLayout.time(agent.updatedAt) }
            }
            el("div", ["class": "actions"]) {
                el("a", ["class": "button", "href": "/console/agents/\(agent.id)/edit"]) { "Edit" }
                if agent.status == .disabled {
                    session.form("/console/agents/\(agent.id)/enable") { el("button", ["type": "submit"]) { "Enable" } }
                } else {
                    session.form("/console/agents/\(agent.id)/disable", class: "inline") {
                        el("label") { el("span") { "Reason" }; HTML.void("input", ["name": "reason", "maxlength": "500"]) }
                        el("button", ["type": "submit"]) { "Disable" }
                    }
                }
                el("a", ["class": "button danger", "href": "/console/agents/\(agent.id)/delete"]) { "Delete…" }
            }
            el("h2") { "Issue a badge" }
            session.form("/console/agents/\(agent.id)/badges", class: "inline") {
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
            el("p") { el("a", ["href": "/console/badges?agent=\(agent.id)"]) { "All badges of this agent" } }
        }
    }

    private func issueBadge(_ session: ConsoleSignedIn, _ form: ConsoleForm) async throws -> Response {
        let principal = try session.require(Scope.badgesIssue)
        var request = IAL0Request()
        if let level = form["level"] {
            guard let parsed = TrustLevel(rawValue: level) else { throw RegistryError.invalidRequest("level must be 1 to 4") }
            request.level = parsed
        }
        if let ttl = form["ttl"] {
            guard let seconds = Int64(ttl), seconds > 0 else { throw RegistryError.invalidRequest("TTL must be a whole number of seconds") }
            request.ttlSeconds = seconds
        }
        let issued = try await services.badges.issueIAL0(principal, try session.context.pathParameter("id"), request)
        return try await agentDetail(session, issued: issued)
    }

    private func agentForm(_ session: ConsoleSignedIn, _ agent: Agent?) -> HTML {
        session.form(agent.map { "/console/agents/\($0.id)" } ?? "/console/agents", class: "card") {
            field("Name", "name", agent?.name, required: true)
            field("Description", "description", agent?.description)
            field("Domain", "domain", agent?.domain, placeholder: "agent.example.com")
            if agent?.did == nil { field("DID (optional, write-once)", "did", nil, placeholder: "did:key:z6Mk…") }
            field("Protocol", "protocol", agent?.protocol, placeholder: "a2a")
            el("button", ["type": "submit"]) { agent == nil ? "Create agent" : "Save" }
        }
    }

    /// The form's fields as the API's merge input: a blank optional field clears it.
    static func agentInput(_ form: ConsoleForm) -> AgentInput {
        var input = AgentInput()
        input.name = .some(form["name"])
        input.description = .some(form["description"])
        input.domain = .some(form["domain"])
        input.protocol = .some(form["protocol"])
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
