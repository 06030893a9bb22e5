import Foundation
import Hummingbird
import Registry

/// Overview, CA keys and audit pages.
extension ConsoleController {
    func overview(_ session: ConsoleSignedIn) async throws -> Response {
        let principal = try session.require(Scope.agentsRead)
        let now = services.clock.now()
        let counts = try await figures.figures(principal)
        let keys = try await services.ca.listKeys()
        let log = try await services.tlog?.status()
        let snapshot = services.trustSnapshots.figures
        return ConsoleLayout.page("Overview", session: session, current: "/console/overview") {
            el("dl", ["class": "stats"]) {
                stat("Agents", counts.agents, link: "/console/agents")
                if let servers = counts.servers { stat("MCP servers", servers, link: "/console/servers") }
                stat("Badges issued in 24 h", counts.issuedLastDay, link: "/console/badges" + ConsoleQuery.string([("since", Self.inputTime(counts.countedAt - 86_400))]))
                stat("Revoked badges", counts.revoked, link: "/console/badges?status=revoked")
            }
            el("p", ["class": "hint"]) { "Counted \(ConsoleLayout.age(now - counts.countedAt)) ago (at most \(figures.maxAge.components.seconds) s)." }
            el("h2") { "CA keys" }
            caKeyTable(keys, now: now)
            if let log { transparencyLog(log, now: now) }
            if let snapshot { trustSnapshot(snapshot) }
        }
    }

    /// The signed trust snapshot verifiers fetch (the whole CA's): its trust-state sequence and size.
    private func trustSnapshot(_ snapshot: TrustSnapshotPublisher.Figures) -> HTML {
        fragment {
            el("h2") { "Trust snapshot" }
            el("dl", ["class": "stats", "id": "snapshot"]) {
                el("div") {
                    el("dt") { "Trust-state sequence" }
                    el("dd", ["id": "snapshot-sequence"]) { el("a", ["href": "/v1/trust/snapshot"]) { String(snapshot.sequence) } }
                }
                el("div") {
                    el("dt") { "Snapshot size" }
                    el("dd", ["id": "snapshot-bytes"]) { "\(snapshot.bytes) bytes" }
                }
            }
        }
    }

    /// The badge transparency log (the whole CA's, not one organisation's): the signed tree's size,
    /// the checkpoint's age, and entries sequenced but not yet in a checkpoint.
    private func transparencyLog(_ log: (sequenced: Int64, treeSize: Int64, signedAt: Int64?), now: Int64) -> HTML {
        fragment {
            el("h2") { "Transparency log" }
            el("dl", ["class": "stats", "id": "tlog"]) {
                el("div") {
                    el("dt") { "Log size (signed tree)" }
                    el("dd", ["id": "tlog-size"]) { el("a", ["href": "/tlog/checkpoint"]) { String(log.treeSize) } }
                }
                el("div") {
                    el("dt") { "Checkpoint age" }
                    el("dd", ["id": "tlog-age"]) { log.signedAt.map { ConsoleLayout.age(now - $0) } ?? "none yet" }
                }
                el("div") {
                    el("dt") { "Awaiting a checkpoint" }
                    el("dd", ["id": "tlog-pending"]) { String(max(0, log.sequenced - log.treeSize)) }
                }
            }
        }
    }

    func caKeys(_ session: ConsoleSignedIn) async throws -> Response {
        let keys = try await services.ca.listKeys()
        let now = services.clock.now()
        let canRotate = services.rotateCAKey != nil && session.principal.allows(Scope.keysAdmin)
        return ConsoleLayout.page("CA keys", session: session, current: "/console/ca-keys") {
            caKeyTable(keys, now: now)
            el("p", ["class": "hint"]) {
                "A retired key stays in the JWKS until its last badge has expired. Verifiers cache the JWKS for up to 5 minutes: rotate at a quiet time."
            }
            if canRotate, let active = keys.first(where: { $0.record.state == .active }) {
                el("h2") { "Rotate" }
                session.form("/console/ca-keys/rotate", class: "card") {
                    el("p") { "A new key becomes active for every organisation on this CA; the current one is retired. Type the active key id to confirm." }
                    field("Active key id (\(active.record.kid))", "confirm", nil, required: true)
                    el("button", ["type": "submit", "class": "danger", "id": "rotate"]) { "Rotate the CA key" }
                }
            }
        }
    }

    /// `keys:admin` only, and only once the active kid has been typed exactly.
    func rotateCAKey(_ session: ConsoleSignedIn, _ form: ConsoleForm) async throws -> Response {
        let principal = try session.require(Scope.keysAdmin)
        guard let rotate = services.rotateCAKey else { throw RegistryError(.forbidden, "this server does not offer CA key rotation") }
        guard let active = try await services.ca.listKeys().first(where: { $0.record.state == .active })?.record.kid,
              form["confirm"] == active
        else { throw RegistryError.invalidRequest("type the active key id exactly to confirm the rotation") }
        let record = try await rotate(principal.actor)
        session.context.logger.notice("ca key rotated from the console", metadata: ["kid": .string(record.kid)])
        return ConsoleLayout.redirect("/console/ca-keys")
    }

    /// The organisation's audit log and the events its agents and servers reported, merged in time
    /// order (`EventService.timeline`, as `GET /v1/events`), filtered by source, type, agent, time.
    func audit(_ session: ConsoleSignedIn, _ query: ConsoleForm) async throws -> Response {
        let principal = try session.require(Scope.auditRead)
        let now = services.clock.now()
        let since = try ConsoleLayout.parseTime(query["since"]) ?? now - 86_400
        let source = try ConsoleWidgets.parse(query, "source", as: EventSource.self)
        let after = try query["cursor"].map { text in
            guard let cursor = PageCursor(encoded: text) else { throw RegistryError.invalidRequest("cursor is not valid") }
            return cursor
        }
        let page = try await services.events.timeline(principal, TimelineFilter(
            source: source, type: query["type"], agent: query["agent"], since: since, until: try ConsoleLayout.parseTime(query["until"]),
            after: after, limit: Self.pageSize
        ))
        let filters: [(String, String?)] = [
            ("source", query["source"]), ("type", query["type"]), ("agent", query["agent"]), ("since", query["since"]),
            ("until", query["until"]), ("refresh", query["refresh"]),
        ]
        return ConsoleLayout.page("Audit and events", session: session, current: "/console/audit", refreshSeconds: query["refresh"] == nil ? nil : 15) {
            el("form", ["method": "get", "action": "/console/audit", "class": "filters", "role": "search"]) {
                ConsoleWidgets.choice("Source", "source", selected: source)
                field("Type", "type", query["type"], placeholder: "badge.revoked")
                field("Agent (id or DID)", "agent", query["agent"])
                field("Since (UTC)", "since", query["since"] ?? Self.inputTime(since), type: "datetime-local")
                field("Until (UTC)", "until", query["until"], type: "datetime-local")
                el("label", ["class": "check"]) {
                    HTML.void("input", ["type": "checkbox", "name": "refresh", "value": "1", "checked": query["refresh"] == nil ? nil : ""])
                    "Refresh every 15 s"
                }
                el("button", ["type": "submit"]) { "Filter" }
            }
            el("table", ["class": "list", "id": "audit"]) {
                el("thead") {
                    el("tr") { el("th") { "Time" }; el("th") { "Source" }; el("th") { "Type" }; el("th") { "Actor" }; el("th") { "Subject" }; el("th") { "Details" } }
                }
                el("tbody") {
                    for item in page.items {
                        switch item {
                        case .registry(let event):
                            el("tr") {
                                el("td") { ConsoleLayout.time(event.createdAt) }
                                el("td") { "registry" }
                                el("td", ["class": "type"]) { event.type }
                                el("td") { event.actor }
                                el("td") { subjectLink(event) }
                                el("td") { el("code") { event.details ?? "" } }
                            }
                        case .agent(let event):
                            el("tr") {
                                el("td") { ConsoleLayout.time(event.createdAt) }
                                el("td") { "agent" }
                                el("td", ["class": "type"]) { event.type + (event.severity.map { " (\($0))" } ?? "") }
                                el("td") { event.actor }
                                el("td") { event.agentID ?? event.serverID ?? "" }
                                el("td") { el("code") { String(event.body.prefix(300)) } }
                            }
                        }
                    }
                }
            }
            if page.items.isEmpty { el("p", ["class": "empty"]) { "No events match." } }
            if let next = page.next {
                el("p") { el("a", ["href": "/console/audit" + ConsoleQuery.string(filters + [("cursor", next.encoded)]), "rel": "next"]) { "Later events" } }
            }
        }
    }

    private func subjectLink(_ event: AuditEvent) -> HTML {
        guard let subject = event.subject else { return .empty }
        if event.type.hasPrefix("badge.") { return el("a", ["href": "/console/badges/" + Self.segment(subject)]) { subject } }
        if event.type.hasPrefix("agent."), event.type != "agent.deleted" { return el("a", ["href": "/console/agents/" + Self.segment(subject)]) { subject } }
        return .text(subject)
    }

    private func caKeyTable(_ keys: [(record: CAKeyRecord, published: Bool)], now: Int64) -> HTML {
        el("table", ["class": "list", "id": "ca-keys"]) {
            el("thead") { el("tr") { el("th") { "Key id" }; el("th") { "State" }; el("th") { "Created" }; el("th") { "Age" }; el("th") { "In JWKS" } } }
            el("tbody") {
                for key in keys {
                    el("tr") {
                        el("td") { el("code") { key.record.kid } }
                        el("td") { el("span", ["class": "state \(key.record.state.rawValue)"]) { key.record.state.rawValue } }
                        el("td") { ConsoleLayout.time(key.record.createdAt) }
                        el("td") { ConsoleLayout.age(now - key.record.createdAt) }
                        el("td") { key.published ? "yes" : "no" }
                    }
                }
            }
        }
    }

    private func stat(_ label: String, _ value: Int, link: String) -> HTML {
        el("div") {
            el("dt") { label }
            el("dd") { el("a", ["href": link]) { String(value) } }
        }
    }

    /// A labelled input (see `ConsoleWidgets.field`).
    func field(_ label: String, _ name: String, _ value: String?, type: String = "text", placeholder: String? = nil, required: Bool = false) -> HTML {
        ConsoleWidgets.field(label, name, value, type: type, placeholder: placeholder, required: required)
    }

    /// Unix seconds as `datetime-local` input text (UTC).
    static func inputTime(_ seconds: Int64) -> String {
        String(Timestamp.rfc3339(seconds).prefix(16))
    }

    /// A path segment, percent-encoded (DIDs and jtis may hold `:` and `%`).
    static func segment(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(.init(charactersIn: "/%:?#"))) ?? value
    }
}
