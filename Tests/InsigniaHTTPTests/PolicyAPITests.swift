import BadgeCore
import Foundation
import HTTPTypes
import InsigniaApp
import Registry
import StoreConformance
import Testing

@Suite struct PolicyAPITests {
    /// An agent with `did`, registered over HTTP; returns its id.
    private func agent(_ app: TestApp, _ tenant: TestTenant, did: String) async throws -> String {
        let created = try await app.request(.post, "/v1/agents", key: tenant.key, json: ["name": "a", "did": .string(did)])
        return try #require(created.data["id"]?.stringValue, "\(created.text)")
    }

    /// Proposes `yaml` at `path` (`org`, `groups/<id>`, `agents/<id>`) and approves it.
    private func activate(_ app: TestApp, _ tenant: TestTenant, _ path: String, _ yaml: String) async throws {
        let proposal = try await app.request(.post, "/v1/orgs/\(tenant.org.id)/policy/\(path)", key: tenant.key, json: ["yaml_content": .string(yaml)])
        #expect(proposal.status == .created, "\(proposal.text)")
        let id = try #require(proposal.json["id"]?.stringValue)
        let approved = try await app.request(.post, "/v1/orgs/\(tenant.org.id)/policy/proposals/\(id)/approve", key: tenant.key)
        #expect(approved.status == .ok && approved.json["state"] == "active", "\(approved.text)")
    }

    @Test(arguments: TestBackend.available)
    func proposalLifecycle(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let base = "/v1/orgs/\(tenant.org.id)/policy"
            #expect(try await app.request(.get, base + "/org", key: tenant.key).status == .notFound)
            let proposal = try await app.request(.post, base + "/org", key: tenant.key, json: ["yaml_content": "version: \"1\"\nmin_trust_level: DV\n"])
            #expect(proposal.status == .created)
            #expect(proposal.json["state"] == "proposal" && proposal.json["version"] == 1 && proposal.json["scope_type"] == "org")
            let id = try #require(proposal.json["id"]?.stringValue)
            #expect(try await app.request(.get, base + "/proposals", key: tenant.key).json.arrayValue?.compactMap { $0["id"]?.stringValue } == [id])
            let approved = try await app.request(.post, base + "/proposals/\(id)/approve", key: tenant.key)
            #expect(approved.json["state"] == "active")
            #expect(try await app.request(.get, base + "/org", key: tenant.key).json["id"] == .string(id))
            let second = try await app.request(.put, base + "/org", key: tenant.key, json: ["yaml_content": "version: \"1\"\n"])
            let secondID = try #require(second.json["id"]?.stringValue)
            #expect(second.json["version"] == 2)
            #expect(try await app.request(.post, base + "/proposals/\(secondID)/reject", key: tenant.key, json: [:]).status == .badRequest)
            let rejected = try await app.request(.post, base + "/proposals/\(secondID)/reject", key: tenant.key, json: ["reason": "no"])
            #expect(rejected.json["state"] == "rejected" && rejected.json["reject_reason"] == "no")
            let again = try await app.request(.post, base + "/proposals/\(secondID)/approve", key: tenant.key)
            #expect(again.status == .badRequest && again.errorCode == "proposal_not_pending")
            let history = try await app.request(.get, base + "/org/history", key: tenant.key).json.arrayValue ?? []
            #expect(history.compactMap { $0["state"]?.stringValue } == ["active", "rejected"])
        }
    }

    @Test(arguments: TestBackend.available)
    func badInputIsRefusedWith4xx(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let url = "/v1/orgs/\(tenant.org.id)/policy/org"
            var laughs = "version: \"1\"\na: &a [x, x, x, x, x, x, x, x, x]\n"
            for level in 1...9 { laughs += "l\(level): &l\(level) [*\(level == 1 ? "a" : "l\(level - 1)"), *\(level == 1 ? "a" : "l\(level - 1)")]\n" }
            let deep = "version: \"1\"\noperations: " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "\n"
            let huge = "version: \"1\"\n# " + String(repeating: "x", count: 1 << 20) + "\n"
            let cases: [(String, String?)] = [
                (laughs, "line 2: anchors are not supported"),
                (deep, "line 2: nesting deeper than 16 levels"),
                ("version: \"1\"\nrate_limits:\n  - did: did:x:1\n    rpm: 0\n", "line 4: rate_limits[0].rpm: must be a positive integer up to 1000000000"),
                ("version: \"1\"\nmin_trust_level: XX\n", nil),
                ("", "yaml_content must not be empty"),
            ]
            for (yaml, message) in cases {
                let response = try await app.request(.post, url, key: tenant.key, json: ["yaml_content": .string(yaml)])
                #expect(response.status == .badRequest && response.errorCode == "invalid_policy", "\(response.status) \(response.text.prefix(200))")
                if let message { #expect(response.json["message"] == .string(message)) }
            }
            let big = try await app.request(.post, url, key: tenant.key, json: ["yaml_content": .string(huge)])
            #expect((400..<500).contains(big.status.code), "\(big.status)")
            #expect(try await app.request(.post, url, key: tenant.key, json: ["yaml_content": 5]).status == .badRequest)
            #expect(try await app.request(.post, url, key: tenant.key, rawBody: "{").status == .badRequest)
            #expect(try await app.request(.post, "/v1/orgs/\(tenant.org.id)/policy/simulate", key: tenant.key, json: [1]).status == .badRequest)
            #expect(try await app.request(.post, "/v1/orgs/\(tenant.org.id)/groups", key: tenant.key, json: ["name": "g", "precedence": "x"]).status == .badRequest)
        }
    }

    @Test(arguments: TestBackend.available)
    func tenancyAndRoles(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let a = try await app.tenant()
            let b = try await app.tenant()
            try await activate(app, a, "org", "version: \"1\"\n")
            for path in ["/v1/bundles/\(a.org.id)", "/v1/orgs/\(a.org.id)/policy/org", "/v1/orgs/\(a.org.id)/policy/proposals"] {
                #expect(try await app.request(.get, path, key: b.key).status == .notFound, "\(path)")
            }
            #expect(try await app.request(.get, "/v1/bundles/\(a.org.id)", key: nil).status == .unauthorized)
            let proposal = try await app.request(.post, "/v1/orgs/\(a.org.id)/policy/org", key: a.key, json: ["yaml_content": "version: \"1\"\n"])
            let id = try #require(proposal.json["id"]?.stringValue)
            #expect(try await app.request(.post, "/v1/orgs/\(b.org.id)/policy/proposals/\(id)/approve", key: b.key).status == .notFound)
            let aAgent = try await agent(app, a, did: "did:web:a.example")
            #expect(try await app.request(.post, "/v1/orgs/\(b.org.id)/policy/agents/\(aAgent)", key: b.key, json: ["yaml_content": "version: \"1\"\n"]).status == .notFound)
            // A key without the admin scope reads but does not write.
            let reader = try await app.tenant(scopes: [Scope.agentsRead])
            #expect(try await app.request(.post, "/v1/orgs/\(reader.org.id)/policy/org", key: reader.key, json: ["yaml_content": "version: \"1\"\n"]).status == .forbidden)
            #expect(try await app.request(.get, "/v1/bundles/\(reader.org.id)", key: reader.key).status == .ok)

            // The bundle route reads keys at most a second old, but a revocation is seen at once
            // by the process that made it (and a second later everywhere).
            let second = try await app.request(.post, "/v1/api-keys", key: a.key, json: ["name": "pdp"])
            let secondKey = try #require(second.data["key"]?.stringValue)
            let secondID = try #require(second.data["id"]?.stringValue)
            let served = try await app.request(.get, "/v1/bundles/\(a.org.id)", key: secondKey)
            #expect(served.status == .ok && served.json["revision"]?.stringValue?.isEmpty == false)
            #expect(try await app.request(.delete, "/v1/api-keys/\(secondID)", key: a.key).status.code < 300)
            let revoked = try await app.request(.get, "/v1/bundles/\(a.org.id)", key: secondKey)
            #expect(revoked.status == .unauthorized, "\(revoked.status)")
            #expect(try await app.request(.get, "/v1/bundles/\(a.org.id)", key: "not-a-key").status == .unauthorized)
        }
    }

    @Test(arguments: TestBackend.available)
    func archivingGroupDeletionAndAgentSimulation(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let other = try await app.tenant()
            let base = "/v1/orgs/\(tenant.org.id)/policy"
            let agentID = try await agent(app, tenant, did: "did:web:sim.example")
            try await activate(app, tenant, "org", "version: \"1\"\nmin_trust_level: DV\n")
            let group = try await app.request(.post, "/v1/orgs/\(tenant.org.id)/groups", key: tenant.key, json: ["name": "strict", "precedence": 5])
            let groupID = try #require(group.json["id"]?.stringValue)
            #expect(try await app.request(.put, "/v1/orgs/\(tenant.org.id)/groups/\(groupID)/agents/\(agentID)", key: tenant.key).status == .noContent)
            try await activate(app, tenant, "groups/\(groupID)", "version: \"1\"\nmin_trust_level: OV\n")
            let pending = try await app.request(.post, base + "/groups/\(groupID)", key: tenant.key, json: ["yaml_content": "version: \"1\"\n"])
            let pendingID = try #require(pending.json["id"]?.stringValue)

            // Per-agent simulation: the agent is the subject; its group's OV floor applies.
            let simulate = base + "/agents/\(agentID)/simulate"
            let dv = try await app.request(.post, simulate, key: tenant.key, json: ["subject": ["trust_level": "DV"], "action": ["operation": "agent.invoke"]])
            #expect(dv.status == .ok && dv.json["decision"] == "DENY", "\(dv.text)")
            #expect(dv.json["decision_id"]?.stringValue?.hasPrefix("sim-") == true && dv.json["ttl"] == 300)
            #expect(dv.json["lineage"]?["fields"]?["min_trust_level"] == [.string("group:\(groupID)")], "\(dv.text)")
            let ov = try await app.request(.post, simulate, key: tenant.key, json: ["subject": ["trust_level": "OV"], "action": ["operation": "agent.invoke"]])
            #expect(ov.json["decision"] == "ALLOW", "\(ov.text)")
            let otherDID = try await app.request(.post, simulate, key: tenant.key, json: ["subject": ["did": "did:web:else.example"]])
            #expect(otherDID.status == .badRequest, "another subject than the agent")
            #expect(try await app.request(.post, simulate, key: tenant.key, json: [1]).status == .badRequest)
            #expect(try await app.request(.post, base + "/agents/unknown/simulate", key: tenant.key, json: [:]).status == .notFound)
            #expect(try await app.request(.post, "/v1/orgs/\(other.org.id)/policy/agents/\(agentID)/simulate", key: other.key, json: [:]).status == .notFound)
            let foreign = try await app.request(.post, simulate, key: other.key, json: ["subject": ["trust_level": "OV"]])
            #expect(foreign.status == .notFound && foreign.json["decision"] == nil, "another organisation's key on this organisation's route: \(foreign.text)")

            // Deleting the group archives its documents (history kept) and drops it from resolution.
            #expect(try await app.request(.delete, "/v1/orgs/\(other.org.id)/groups/\(groupID)", key: other.key).status == .notFound)
            #expect(try await app.request(.delete, "/v1/orgs/\(tenant.org.id)/groups/\(groupID)", key: other.key).status == .notFound)
            #expect(try await app.request(.get, "/v1/orgs/\(tenant.org.id)/groups", key: tenant.key).json.arrayValue?.count == 1, "the group survives both")
            let reader = try await app.request(.post, "/v1/api-keys", key: tenant.key, json: ["name": "reader", "scopes": ["agents:read"]])
            let readerKey = try #require(reader.data["key"]?.stringValue)
            #expect(try await app.request(.delete, "/v1/orgs/\(tenant.org.id)/groups/\(groupID)", key: readerKey).status == .forbidden)
            #expect(try await app.request(.delete, base + "/groups/\(groupID)", key: readerKey).status == .forbidden, "archiving needs an admin")
            for (method, path) in [(HTTPRequest.Method.delete, "/v1/orgs/\(tenant.org.id)/groups/\(groupID)"), (.delete, base + "/org"), (.post, simulate)] {
                let anonymous = try await app.request(method, path, json: method == .post ? [:] : nil)
                #expect(anonymous.status == .unauthorized && anonymous.json["success"] == false, "\(path) without a key")
            }
            #expect(try await app.request(.post, simulate, key: readerKey, json: ["subject": "x"]).status == .badRequest, "subject must be an object")
            #expect(try await app.request(.delete, base + "/groups/unknown", key: tenant.key).status == .notFound)
            #expect(try await app.request(.delete, "/v1/orgs/\(tenant.org.id)/groups/\(groupID)", key: tenant.key).status == .noContent)
            #expect(try await app.request(.delete, "/v1/orgs/\(tenant.org.id)/groups/\(groupID)", key: tenant.key).status == .notFound)
            #expect(try await app.request(.get, "/v1/orgs/\(tenant.org.id)/groups", key: tenant.key).json.arrayValue?.isEmpty == true)
            let history = try await app.request(.get, base + "/groups/\(groupID)/history", key: tenant.key)
            #expect(history.status == .notFound, "the group itself is gone")
            #expect(try await app.request(.get, base + "/proposals", key: tenant.key).json.arrayValue?.contains { $0["id"] == .string(pendingID) } == false)
            let lineage = try await app.request(.get, base + "/agents/\(agentID)/lineage", key: tenant.key)
            #expect(lineage.json["fields"]?["min_trust_level"] == ["org"], "\(lineage.text)")
            let context = try await app.request(.get, "/v1/sdk/policy-context", key: tenant.key)
            #expect(context.json["agents"]?[0]?["group_ids"] == [], "\(context.text)")

            // Archiving the org document: the scope has no policy any more; its history keeps it.
            #expect(try await app.request(.delete, base + "/org", key: other.key).status == .notFound, "another organisation's route")
            let archived = try await app.request(.delete, base + "/org", key: tenant.key)
            #expect(archived.status == .ok && archived.json["state"] == "archived", "\(archived.text)")
            #expect(try await app.request(.get, base + "/org", key: tenant.key).status == .notFound)
            #expect(try await app.request(.delete, base + "/org", key: tenant.key).status == .notFound, "nothing active to archive")
            #expect(try await app.request(.get, base + "/org/history", key: tenant.key).json.arrayValue?.compactMap { $0["state"]?.stringValue } == ["archived"])
            let free = try await app.request(.post, simulate, key: tenant.key, json: ["subject": ["trust_level": "REG"]])
            #expect(free.json["decision"] == "ALLOW", "\(free.text)")
            for type in ["policy.archived", "policy.group.deleted"] {
                let events = try await app.request(.get, "/v1/events?type=\(type)", key: tenant.key).data.arrayValue ?? []
                #expect(events.count == 1, "\(type)")
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func secondApproverSetting(backend: TestBackend) async throws {
        try await TestApp.run(backend, configure: { $0.policySettings.requireSecondApprover = true }) { app in
            let tenant = try await app.tenant()
            let proposal = try await app.request(.post, "/v1/orgs/\(tenant.org.id)/policy/org", key: tenant.key, json: ["yaml_content": "version: \"1\"\n"])
            let id = try #require(proposal.json["id"]?.stringValue)
            let own = try await app.request(.post, "/v1/orgs/\(tenant.org.id)/policy/proposals/\(id)/approve", key: tenant.key)
            #expect(own.status == .forbidden && own.errorCode == "second_approver_required")
            let other = try await app.request(.post, "/v1/api-keys", key: tenant.key, json: ["name": "second"])
            let secondKey = try #require(other.data["key"]?.stringValue)
            #expect(try await app.request(.post, "/v1/orgs/\(tenant.org.id)/policy/proposals/\(id)/approve", key: secondKey).status == .ok)
        }
    }

    @Test(arguments: TestBackend.available)
    func bundleContextSimulationAndSignedBundle(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let orgID = tenant.org.id
            let agentID = try await agent(app, tenant, did: "did:web:agent.example")
            let group = try await app.request(.post, "/v1/orgs/\(orgID)/groups", key: tenant.key, json: ["name": "pii", "precedence": 10])
            #expect(group.status == .created)
            let groupID = try #require(group.json["id"]?.stringValue)
            #expect(try await app.request(.put, "/v1/orgs/\(orgID)/groups/\(groupID)/agents/\(agentID)", key: tenant.key).status == .noContent)
            try await activate(app, tenant, "org", "version: \"1\"\nmin_trust_level: DV\n")
            try await activate(app, tenant, "groups/\(groupID)", "version: \"1\"\nmin_trust_level: OV\n")
            try await activate(app, tenant, "agents/\(agentID)", "version: \"1\"\nrate_limits:\n  - {did: did:web:agent.example, rpm: 5}\n")

            let bundle = try await app.request(.get, "/v1/bundles/\(orgID)", key: tenant.key)
            #expect(bundle.status == .ok)
            #expect(bundle.json["modules"]?["capiscio/policy.rego"]?.stringValue?.hasPrefix("package capiscio.policy") == true)
            #expect(bundle.json["data"]?["resolved_policies"]?["by_agent_did"]?["did:web:agent.example"]?["min_trust_level"] == "OV")
            #expect(bundle.json["data"]?["policy_lineage"]?["by_agent_did"]?["did:web:agent.example"]?["fields"]?["min_trust_level"] == [.string("group:\(groupID)")])
            let revision = try #require(bundle.json["revision"]?.stringValue)
            #expect(revision.utf8.count == 64)
            #expect(try await app.request(.get, "/v1/bundles/\(orgID)", key: tenant.key).json["revision"] == .string(revision))

            let context = try await app.request(.get, "/v1/sdk/policy-context", key: tenant.key)
            #expect(context.json["org_id"] == .string(orgID))
            #expect(context.json["agents"]?[0]?["group_ids"] == [.string(groupID)])
            #expect(context.json["groups"] == [["id": .string(groupID), "name": "pii", "precedence": 10]])
            #expect(context.json["active_policies"]?.arrayValue?.count == 3)
            #expect(context.json["pending_proposals"] == [])

            let input: JSONValue = ["subject": ["did": "did:web:agent.example", "trust_level": "DV"], "action": ["operation": "read"]]
            let denied = try await app.request(.post, "/v1/orgs/\(orgID)/policy/simulate", key: tenant.key, json: input)
            #expect(denied.json["decision"] == "DENY" && denied.json["reason"] == "trust level below OV")
            #expect(denied.json["revision"] == .string(revision))
            #expect(denied.json["lineage"]?["sources"]?.arrayValue?.count == 3)
            let batch = try await app.request(.post, "/v1/orgs/\(orgID)/policy/simulate", key: tenant.key, json: [
                "inputs": [input, ["subject": ["did": "did:web:agent.example", "trust_level": "3"], "action": ["operation": "read"]]],
            ])
            #expect(batch.json["results"]?[1]?["obligations"] == [["type": "rate_limit.apply", "params": ["rpm": 5, "key": "did:web:agent.example"]]])

            // A disabled agent shows in the bundle within 2 s.
            _ = try await app.request(.post, "/v1/agents/\(agentID)/disable", key: tenant.key, json: ["reason": "test"])
            var status: JSONValue?
            let deadline = ContinuousClock.now + .seconds(2)
            while ContinuousClock.now < deadline {
                status = try await app.request(.get, "/v1/bundles/\(orgID)", key: tenant.key).json["data"]?["agents"]?[0]?["status"]
                if status == "disabled" { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(status == "disabled")

            let signed = try await app.request(.get, "/v1/policy/bundles/latest", key: tenant.key)
            #expect(signed.status == .ok)
            let jws = try CompactJWS.parse(signed.text)
            #expect(jws.header["typ"] == "capiscio.policy-bundle+jwt")
            #expect(jws.payload["audience"] == [.string("urn:capiscio:workspace:\(orgID)")])
            let keys = try await app.ca.publishedKeys()
            #expect(keys.contains { $0.kid == jws.header["kid"]?.stringValue && jws.verify(with: $0.key) })
        }
    }
}

extension JSONValue {
    fileprivate subscript(index: Int) -> JSONValue? {
        guard case .array(let items) = self, items.indices.contains(index) else { return nil }
        return items[index]
    }
}
