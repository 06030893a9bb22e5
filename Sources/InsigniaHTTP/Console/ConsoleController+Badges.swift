import Hummingbird
import Registry

/// Badge pages: the filtered ledger, one badge's claims and status, revocation.
extension ConsoleController {
    func registerBadges(on router: Router<AppRequestContext>) {
        page(router, "/console/badges") { session, request in try await self.badges(session, try ConsoleForm.query(request)) }
        page(router, "/console/badges/{jti}") { session, _ in
            let badge = try await self.services.badges.get(try session.require(Scope.agentsRead), jti: try session.context.pathParameter("jti"))
            return self.badgeDetail(session, badge)
        }
        action(router, "/console/badges/{jti}/revoke") { session, form in
            let badge = try await self.services.badges.revoke(
                try session.require(Scope.badgesRevoke), jti: try session.context.pathParameter("jti"), reason: form["reason"]
            )
            return ConsoleLayout.redirect("/console/badges/" + Self.segment(badge.jti))
        }
    }

    private func badges(_ session: ConsoleSignedIn, _ query: ConsoleForm) async throws -> Response {
        let principal = try session.require(Scope.agentsRead)
        let status = try ConsoleWidgets.parse(query, "status", as: BadgeQuery.Status.self)
        let filter = BadgeFilter(
            subject: query["subject"], agentID: query["agent"], status: status, level: query["level"],
            issuedSince: try ConsoleLayout.parseTime(query["since"]), issuedUntil: try ConsoleLayout.parseTime(query["until"])
        )
        let page = try await services.badges.list(principal, filter, cursor: query["cursor"], limit: Self.pageSize)
        let kept: [(String, String?)] = [
            ("subject", query["subject"]), ("agent", query["agent"]), ("status", query["status"]), ("level", query["level"]),
            ("since", query["since"]), ("until", query["until"]),
        ]
        return ConsoleLayout.page("Badges", session: session, current: "/console/badges") {
            el("form", ["method": "get", "action": "/console/badges", "class": "filters", "role": "search"]) {
                field("Subject DID", "subject", query["subject"])
                field("Agent id", "agent", query["agent"])
                ConsoleWidgets.choice("Status", "status", selected: status)
                field("Level", "level", query["level"], placeholder: "1–4")
                field("Issued since (UTC)", "since", query["since"], type: "datetime-local")
                field("Issued until (UTC)", "until", query["until"], type: "datetime-local")
                el("button", ["type": "submit"]) { "Filter" }
            }
            badgeTable(page.badges, now: services.clock.now())
            if let next = page.nextCursor {
                el("p") { el("a", ["rel": "next", "href": "/console/badges" + ConsoleQuery.string(kept + [("cursor", next)])]) { "Older badges" } }
            }
        }
    }

    private func badgeDetail(_ session: ConsoleSignedIn, _ badge: BadgeRecord) -> Response {
        let status = BadgeQuery.status(of: badge, at: services.clock.now())
        return ConsoleLayout.page("Badge", session: session, current: "/console/badges") {
            el("dl", ["class": "facts"]) {
                fact("Status") { el("span", ["class": "state \(status.rawValue)", "id": "badge-status"]) { status.rawValue } }
                if let revokedAt = badge.revokedAt {
                    fact("Revoked") { ConsoleLayout.time(revokedAt) + (badge.revocationReason.map { " — \($0)" } ?? "") }
                }
                fact("Public status") { el("a", ["href": "/v1/badges/\(Self.segment(badge.jti))/status"]) { "/v1/badges/…/status" } }
                if services.tlog != nil {
                    fact("Transparency log") {
                        el("a", ["href": "/v1/badges/\(Self.segment(badge.jti))/proof", "id": "inclusion-proof"]) { "Inclusion proof" }
                    }
                }
            }
            el("h2") { "Claims" }
            el("dl", ["class": "facts claims"]) {
                fact("jti") { el("code") { badge.jti } }
                fact("sub") { el("code") { badge.subject } }
                fact("level (vc.credentialSubject.level)") { badge.level }
                fact("ial") { badge.ial }
                fact("kid (signing CA key)") { el("code") { badge.kid } }
                fact("iat") { "\(badge.issuedAt) (\(ConsoleLayout.time(badge.issuedAt)))" }
                fact("exp") { "\(badge.expiresAt) (\(ConsoleLayout.time(badge.expiresAt)))" }
                fact("aud") { badge.audience.isEmpty ? "—" : badge.audience.joined(separator: ", ") }
                if let agentID = badge.agentID { fact("Agent") { el("a", ["href": "/console/agents/\(agentID)"]) { agentID } } }
            }
            if badge.revokedAt == nil {
                el("h2") { "Revoke" }
                session.form("/console/badges/\(Self.segment(badge.jti))/revoke", class: "inline") {
                    el("label") { el("span") { "Reason" }; HTML.void("input", ["name": "reason", "maxlength": "200", "id": "revoke-reason"]) }
                    el("button", ["type": "submit", "class": "danger", "id": "revoke"]) { "Revoke badge" }
                }
            }
        }
    }

    func badgeTable(_ badges: [BadgeRecord], now: Int64) -> HTML {
        fragment {
            el("table", ["class": "list", "id": "badges"]) {
                el("thead") { el("tr") { el("th") { "jti" }; el("th") { "Subject" }; el("th") { "Level" }; el("th") { "Status" }; el("th") { "Issued" }; el("th") { "Expires" } } }
                el("tbody") {
                    for badge in badges {
                        let status = BadgeQuery.status(of: badge, at: now)
                        el("tr") {
                            el("td") { el("a", ["href": "/console/badges/" + Self.segment(badge.jti)]) { String(badge.jti.prefix(13)) + "…" } }
                            el("td") { el("code") { badge.subject } }
                            el("td") { badge.level }
                            el("td") { el("span", ["class": "state \(status.rawValue)"]) { status.rawValue } }
                            el("td") { ConsoleLayout.time(badge.issuedAt) }
                            el("td") { ConsoleLayout.time(badge.expiresAt) }
                        }
                    }
                }
            }
            if badges.isEmpty { el("p", ["class": "empty"]) { "No badges match." } }
        }
    }
}
