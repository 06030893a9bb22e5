import Hummingbird
import Registry

/// API key pages: list, create (the secret shown once), revoke. All need `keys:admin`.
extension ConsoleController {
    func registerKeys(on router: Router<AppRequestContext>) {
        page(router, "/console/keys") { session, _ in try await self.keys(session, created: nil) }
        action(router, "/console/keys") { session, form in
            let principal = try session.require(Scope.keysAdmin)
            let scopes = Scope.all.sorted().filter { form["scope_\($0)"] != nil }
            let created = try await self.services.apiKeys.create(
                by: principal, name: form["name"] ?? "", scopes: scopes, expiresAt: try ConsoleLayout.parseTime(form["expires"])
            )
            session.context.logger.info("api key created", metadata: ["created_key_id": .string(created.record.id)])
            return try await self.keys(session, created: created)
        }
        action(router, "/console/keys/{id}/revoke") { session, _ in
            let principal = try session.require(Scope.keysAdmin)
            try await self.services.apiKeys.revoke(id: try session.context.pathParameter("id"), orgID: principal.orgID, actor: principal.actor)
            return ConsoleLayout.redirect("/console/keys")
        }
    }

    private func keys(_ session: ConsoleSignedIn, created: CreatedAPIKey?) async throws -> Response {
        let principal = try session.require(Scope.keysAdmin)
        let keys = try await services.apiKeys.list(orgID: principal.orgID)
        return ConsoleLayout.page("API keys", session: session, current: "/console/keys") {
            if let created {
                ConsoleWidgets.shownOnce(
                    "Key created", note: "Copy the key now: only its hash is stored, it cannot be shown again.",
                    id: "created-key", value: created.plaintext, rows: 2
                )
            }
            el("table", ["class": "list", "id": "keys"]) {
                el("thead") { el("tr") { el("th") { "Name" }; el("th") { "Prefix" }; el("th") { "Scopes" }; el("th") { "Created" }; el("th") { "Last used" }; el("th") { "State" }; el("th") { "" } } }
                el("tbody") {
                    for key in keys {
                        el("tr") {
                            el("td") { key.name }
                            el("td") { el("code") { key.prefix + "…" } }
                            el("td") { key.scopes.isEmpty ? "all" : key.scopes.joined(separator: " ") }
                            el("td") { ConsoleLayout.time(key.createdAt) }
                            el("td") { ConsoleLayout.time(key.lastUsedAt) }
                            el("td") { key.revokedAt != nil ? "revoked" : key.isUsable(at: services.clock.now()) ? "active" : "expired" }
                            el("td") {
                                if key.revokedAt == nil {
                                    session.form("/console/keys/\(key.id)/revoke") { el("button", ["type": "submit", "class": "danger"]) { "Revoke" } }
                                }
                            }
                        }
                    }
                }
            }
            el("h2") { "New key" }
            session.form("/console/keys", class: "card") {
                field("Name", "name", nil, required: true)
                el("fieldset") {
                    el("legend") { "Scopes (none ticked: the same as your key's)" }
                    for scope in Scope.all.sorted() where principal.allows(scope) {
                        el("label", ["class": "check"]) { HTML.void("input", ["type": "checkbox", "name": "scope_\(scope)", "value": "1"]); scope }
                    }
                }
                field("Expires (UTC, optional)", "expires", nil, type: "datetime-local")
                el("button", ["type": "submit"]) { "Create key" }
            }
        }
    }
}
