import Hummingbird
import Registry

/// Domain validation pages: the organisation's DV orders and grants (read with `agents:read`), and
/// revoking a grant (`badges:revoke`, after a confirmation page). Grant tokens are never shown: a
/// holder has its own copy, and the console needs only the claims.
extension ConsoleController {
    func registerDomainValidation(on router: Router<AppRequestContext>) {
        page(router, "/console/dv/grants") { session, request in try await self.grants(session, try ConsoleForm.query(request)) }
        page(router, "/console/dv/orders") { session, request in try await self.orders(session, try ConsoleForm.query(request)) }
        page(router, "/console/dv/orders/{id}") { session, _ in
            let (order, grant) = try await self.services.dv.order(try session.require(Scope.agentsRead), id: try session.context.pathParameter("id"))
            return self.orderDetail(session, order, grant: grant)
        }
        page(router, "/console/dv/grants/{jti}") { session, _ in
            let grant = try await self.services.dv.grant(try session.require(Scope.agentsRead), jti: try session.context.pathParameter("jti"))
            return self.grantDetail(session, grant)
        }
        page(router, "/console/dv/grants/{jti}/revoke") { session, _ in
            let grant = try await self.services.dv.grant(try session.require(Scope.badgesRevoke), jti: try session.context.pathParameter("jti"))
            return self.revokeGrantPage(session, grant)
        }
        action(router, "/console/dv/grants/{jti}/revoke") { session, form in
            let grant = try await self.services.dv.revokeGrant(
                try session.require(Scope.badgesRevoke), jti: try session.context.pathParameter("jti"), reason: form["reason"]
            )
            session.context.logger.notice("dv grant revoked from the console", metadata: ["grant_jti": .string(grant.jti)])
            return ConsoleLayout.redirect(Self.grantPath(grant.jti))
        }
    }

    static func grantPath(_ jti: String) -> String { "/console/dv/grants/" + segment(jti) }
    static func orderPath(_ id: String) -> String { "/console/dv/orders/" + segment(id) }

    /// Links between the two lists.
    private func dvTabs(_ current: String) -> HTML {
        el("nav", ["aria-label": "Domain validation", "class": "tabs"]) {
            for (path, label) in [("/console/dv/grants", "Grants"), ("/console/dv/orders", "Orders")] {
                el("a", ["href": path, "aria-current": path == current ? "page" : nil]) { label }
                " "
            }
        }
    }

    private func grants(_ session: ConsoleSignedIn, _ query: ConsoleForm) async throws -> Response {
        let page = try await services.dv.grants(try session.require(Scope.agentsRead), cursor: query["cursor"], limit: Self.pageSize)
        return ConsoleLayout.page("Domain validation grants", session: session, current: "/console/dv/grants") {
            dvTabs("/console/dv/grants")
            el("p", ["class": "hint"]) {
                "Grants the CA signed after a domain passed its HTTP-01 or DNS-01 challenge, for orders created with this organisation's API keys. A grant lets its key holder mint badges for the domain; revoke one that must stop."
            }
            el("table", ["class": "list", "id": "dv-grants"]) {
                el("thead") { el("tr") { el("th") { "Grant" }; el("th") { "Domain" }; el("th") { "Status" }; el("th") { "Issued" }; el("th") { "Expires" } } }
                el("tbody") {
                    for grant in page.grants {
                        let status = services.dv.grantStatusWord(grant)
                        el("tr") {
                            el("td") { el("a", ["href": Self.grantPath(grant.jti)]) { grant.jti } }
                            el("td") { grant.domain }
                            el("td") { el("span", ["class": "state \(status)"]) { status } }
                            el("td") { ConsoleLayout.time(grant.issuedAt) }
                            el("td") { ConsoleLayout.time(grant.expiresAt) }
                        }
                    }
                }
            }
            if page.grants.isEmpty { el("p", ["class": "empty"]) { "No grants yet." } }
            if let next = page.nextCursor {
                el("p") { el("a", ["rel": "next", "href": "/console/dv/grants" + ConsoleQuery.string([("cursor", next)])]) { "Older grants" } }
            }
        }
    }

    private func orders(_ session: ConsoleSignedIn, _ query: ConsoleForm) async throws -> Response {
        let page = try await services.dv.orders(try session.require(Scope.agentsRead), cursor: query["cursor"], limit: Self.pageSize)
        return ConsoleLayout.page("Domain validation orders", session: session, current: "/console/dv/grants") {
            dvTabs("/console/dv/orders")
            el("table", ["class": "list", "id": "dv-orders"]) {
                el("thead") { el("tr") { el("th") { "Domain" }; el("th") { "Challenge" }; el("th") { "Status" }; el("th") { "Created" }; el("th") { "Expires" } } }
                el("tbody") {
                    for order in page.orders {
                        el("tr") {
                            el("td") { el("a", ["href": Self.orderPath(order.id)]) { order.domain } }
                            el("td") { order.challengeType.rawValue }
                            el("td") { el("span", ["class": "state \(order.status.rawValue)"]) { order.status.rawValue } }
                            el("td") { ConsoleLayout.time(order.createdAt) }
                            el("td") { ConsoleLayout.time(order.expiresAt) }
                        }
                    }
                }
            }
            if page.orders.isEmpty { el("p", ["class": "empty"]) { "No orders yet." } }
            if let next = page.nextCursor {
                el("p") { el("a", ["rel": "next", "href": "/console/dv/orders" + ConsoleQuery.string([("cursor", next)])]) { "Older orders" } }
            }
        }
    }

    private func orderDetail(_ session: ConsoleSignedIn, _ order: DVOrder, grant: DVGrant?) -> Response {
        ConsoleLayout.page("Order for \(order.domain)", session: session, current: "/console/dv/grants") {
            el("dl", ["class": "facts"]) {
                fact("Id") { el("code") { order.id } }
                fact("Status") { el("span", ["class": "state \(order.status.rawValue)", "id": "order-status"]) { order.status.rawValue } }
                fact("Domain") { order.domain }
                fact("Challenge") { order.challengeType.rawValue }
                switch order.challengeType {
                case .http01: fact("Serve at") { el("code") { DVChallenge.httpURL(domain: order.domain, token: order.token) } }
                case .dns01: fact("TXT record") { el("code") { DVChallenge.recordName(domain: order.domain) } }
                }
                fact("Expected content") { el("code") { order.expectedContent } }
                fact("Agent key (JWK thumbprint)") { el("code") { order.thumbprint } }
                fact("Failed attempts") { String(order.failedAttempts) }
                fact("Created") { ConsoleLayout.time(order.createdAt) }
                fact("Expires") { ConsoleLayout.time(order.expiresAt) }
                if let validatedAt = order.validatedAt {
                    fact("Validated") { "\(ConsoleLayout.time(validatedAt)) by \(order.validatedVia ?? "?") at \(order.validatedTarget ?? "?")" }
                }
                if let grant { fact("Grant") { el("a", ["href": Self.grantPath(grant.jti)]) { grant.jti } } }
            }
        }
    }

    private func grantDetail(_ session: ConsoleSignedIn, _ grant: DVGrant) -> Response {
        let status = services.dv.grantStatusWord(grant)
        return ConsoleLayout.page("Grant for \(grant.domain)", session: session, current: "/console/dv/grants") {
            el("dl", ["class": "facts"]) {
                fact("jti") { el("code") { grant.jti } }
                fact("Status") { el("span", ["class": "state \(status)", "id": "grant-status"]) { status } }
                if let revokedAt = grant.revokedAt { fact("Revoked") { ConsoleLayout.time(revokedAt) } }
                fact("Domain") { grant.domain }
                fact("Bound key (cnf.jkt)") { el("code") { grant.thumbprint } }
                fact("Issued") { ConsoleLayout.time(grant.issuedAt) }
                fact("Expires") { ConsoleLayout.time(grant.expiresAt) }
                fact("Order") { el("a", ["href": Self.orderPath(grant.orderID)]) { grant.orderID } }
            }
            if grant.revokedAt == nil {
                el("p") { el("a", ["class": "button danger", "href": Self.grantPath(grant.jti) + "/revoke", "id": "revoke-grant"]) { "Revoke…" } }
            }
        }
    }

    private func revokeGrantPage(_ session: ConsoleSignedIn, _ grant: DVGrant) -> Response {
        ConsoleLayout.page("Revoke the grant for \(grant.domain)?", session: session, current: "/console/dv/grants") {
            el("p") {
                "Its holder can no longer mint badges for \(grant.domain) with it, and its status answers revoked from now on. Badges already minted stay valid until they expire; revoke them too if they must stop. This cannot be undone."
            }
            session.form(Self.grantPath(grant.jti) + "/revoke", class: "card") {
                el("label") { el("span") { "Reason (optional)" }; HTML.void("input", ["name": "reason", "maxlength": "200", "id": "grant-reason"]) }
                el("button", ["type": "submit", "class": "danger", "id": "confirm-revoke"]) { "Revoke this grant" }
                " "
                el("a", ["href": Self.grantPath(grant.jti)]) { "Cancel" }
            }
        }
    }
}
