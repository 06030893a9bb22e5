import BadgeCore
import Registry

extension StoreConformance {
    static func makeAgent(_ org: Organization, did: String? = nil, at time: Int64 = 1_700_000_000) -> Agent {
        Agent(
            id: uuid(), orgID: org.id, userID: "user_1", name: "agent-\(time)", description: "d é \"q\"",
            domain: "agent.example.com", did: did, publicKeyJWK: #"{"crv":"Ed25519","kty":"OKP","x":"Lm_M42cB3HkUiODQsXRcweM6TByfzEHGO9ND274JcOY"}"#,
            status: .active, protocol: "a2a",
            agentCard: .object(["name": .string("x"), "skills": .array([.int(1), .bool(true), .null])]),
            trustLevel: "1", createdAt: time, updatedAt: time
        )
    }

    static let agentCases: [ConformanceCase] = [
        ConformanceCase(name: "agent round trip keeps every field") { store in
            let org = try await makeOrg(store)
            var agent = makeAgent(org, did: "did:key:z6Mk\(uuid())")
            agent.disabledAt = 42
            agent.disableReason = "because"
            agent.status = .disabled
            try await store.insertAgent(agent)
            try await expect(try await store.agent(id: agent.id) == agent, "lookup by id")
            try await expect(try await store.agent(did: agent.did!) == agent, "lookup by did")
            try await expect(try await store.agent(id: uuid()) == nil, "unknown id is nil")
        },
        ConformanceCase(name: "lookup by DID, else by id, prefers the DID") { store in
            let org = try await makeOrg(store)
            let byID = makeAgent(org)
            let byDID = makeAgent(org, did: "did:web:example.com:agents:\(byID.id)")
            try await store.insertAgent(byID)
            try await expect(try await store.agent(did: "did:web:example.com:agents:\(byID.id)", elseID: byID.id) == byID, "falls back to the id")
            try await store.insertAgent(byDID)
            try await expect(try await store.agent(did: byDID.did!, elseID: byID.id) == byDID, "an agent registered with the DID wins")
            try await expect(try await store.agent(did: "did:key:z6Mk\(uuid())", elseID: uuid()) == nil, "neither: nil")
        },
        ConformanceCase(name: "recent reads find what current reads find, and see the store's own writes at once") { store in
            let org = try await makeOrg(store)
            var agent = makeAgent(org, did: "did:key:z6Mk\(uuid())")
            try await store.insertAgent(agent)
            for lookup in [AgentLookup.id(agent.id), .did(agent.did!), .didElseID(did: "did:web:example.com:agents:\(agent.id)", id: agent.id)] {
                try await expect(try await store.agent(lookup, freshness: .recent(maxAge: 30, now: 1_700_000_000)) == agent, "recent read of \(lookup)")
                try await expect(try await store.agent(lookup, freshness: .current) == agent, "current read of \(lookup)")
            }
            // A write the store did not make itself (another replica's) may be missed by recent reads
            // until a new read (`maxAge: 0`) replaces what was remembered.
            agent.name = "renamed elsewhere"
            agent.updatedAt += 1
            try await expect(try await store.updateAgent(agent), "changed")
            agent.revision += 1
            try await expect(try await store.agent(.id(agent.id), freshness: .recent(maxAge: 0, now: 1_700_000_000))?.name == agent.name, "a new read sees it")
            try await expect(try await store.agent(.id(agent.id), freshness: .recent(maxAge: 30, now: 1_700_000_000))?.name == agent.name, "and replaced the remembered row")
            agent.status = .disabled
            agent.updatedAt += 1
            let disabled = agent
            try await store.inTransaction { tx in _ = try await tx.updateAgent(disabled) }
            try await expect(try await store.agent(.id(agent.id), freshness: .recent(maxAge: 30, now: 1_700_000_000))?.status == .disabled, "a committed change shows in recent reads")
            try await store.inTransaction { tx in _ = try await tx.deleteAgent(id: disabled.id, orgID: org.id) }
            try await expect(try await store.agent(.id(agent.id), freshness: .recent(maxAge: 30, now: 1_700_000_000)) == nil, "a deleted agent is gone from recent reads")
        },
        ConformanceCase(name: "an agent update is stored only over the revision it was read at") { store in
            let org = try await makeOrg(store)
            let read = makeAgent(org)
            try await store.insertAgent(read)
            // Two read-modify-writes from the same read: a disable, then a rename that still holds
            // the old status. The second must not undo the first.
            var disabled = read
            disabled.status = .disabled
            disabled.disabledAt = read.updatedAt + 1
            try await expect(try await store.updateAgent(disabled), "the first write is stored")
            var renamed = read
            renamed.name = "renamed from a stale read"
            try await expect(try await store.updateAgent(renamed) == false, "the second, made from the same read, is refused")
            var expected = disabled
            expected.revision = read.revision + 1
            try await expect(try await store.agent(id: read.id) == expected, "the stored row is the first write's, one revision on")
            renamed = expected
            renamed.name = "renamed from a fresh read"
            try await expect(try await store.updateAgent(renamed), "a write from a fresh read is stored")
            try await expect(try await store.agent(id: read.id)?.revision == read.revision + 2, "and raises the revision again")
            try await expect(try await store.agent(id: read.id)?.status == .disabled, "the disable survives")
        },
        ConformanceCase(name: "optional agent fields may be null") { store in
            let org = try await makeOrg(store)
            let agent = Agent(id: uuid(), orgID: org.id, name: "bare", createdAt: 1, updatedAt: 1)
            try await store.insertAgent(agent)
            try await expect(try await store.agent(id: agent.id) == agent, "nulls survive the round trip")
        },
        ConformanceCase(name: "a DID binds to one agent only") { store in
            let org = try await makeOrg(store)
            let did = "did:key:z6Mk\(uuid())"
            try await store.insertAgent(makeAgent(org, did: did))
            try await expectThrows("second agent with the same DID", {
                try await store.insertAgent(makeAgent(org, did: did))
            }, matches: { error in
                if case StoreError.uniqueViolation(let c) = error { c == "agents.did" } else { false }
            })
            let other = makeAgent(org)
            try await store.insertAgent(other)
            var moved = other
            moved.did = did
            try await expectThrows("update onto a taken DID", {
                _ = try await store.updateAgent(moved)
            }, matches: { error in
                if case StoreError.uniqueViolation(let c) = error { c == "agents.did" } else { false }
            })
            try await expect(try await store.agent(id: other.id)?.did == nil, "failed update changed nothing")
        },
        ConformanceCase(name: "agents list per org, ordered, paged by cursor") { store in
            let a = try await makeOrg(store)
            let b = try await makeOrg(store)
            let agents = [makeAgent(a, at: 30), makeAgent(a, at: 10), makeAgent(a, at: 20), makeAgent(a, at: 20)]
            for agent in agents { try await store.insertAgent(agent) }
            try await store.insertAgent(makeAgent(b, at: 15))
            let expected = agents.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }.map(\.id)
            try await expect(try await store.agents(orgID: a.id, kind: .agent, after: nil, limit: nil).map(\.id) == expected, "all of org a in order")
            let page1 = try await store.agents(orgID: a.id, kind: .agent, after: nil, limit: 2)
            try await expect(page1.map(\.id) == Array(expected.prefix(2)), "first page")
            let last = page1.last!
            let page2 = try await store.agents(orgID: a.id, kind: .agent, after: PageCursor(createdAt: last.createdAt, id: last.id), limit: 2)
            try await expect(page2.map(\.id) == Array(expected.suffix(2)), "second page continues after the cursor, ties included")
            try await expect(try await store.agents(orgID: b.id, kind: .agent, after: nil, limit: nil).count == 1, "org b sees only its agent")
        },
        ConformanceCase(name: "agent update and delete are scoped to the org") { store in
            let a = try await makeOrg(store)
            let b = try await makeOrg(store)
            let agent = makeAgent(a)
            try await store.insertAgent(agent)
            var stolen = agent
            stolen.orgID = b.id
            stolen.name = "stolen"
            try await expect(try await store.updateAgent(stolen) == false, "another org cannot update")
            try await expect(try await store.deleteAgent(id: agent.id, orgID: b.id) == false, "another org cannot delete")
            try await expect(try await store.agent(id: agent.id) == agent, "row untouched")
            var renamed = agent
            renamed.name = "renamed"
            renamed.updatedAt = agent.updatedAt + 5
            try await expect(try await store.updateAgent(renamed), "owner updates")
            renamed.revision += 1
            try await expect(try await store.agent(id: agent.id) == renamed, "update stored, one revision on")
            try await expect(try await store.deleteAgent(id: agent.id, orgID: a.id), "owner deletes")
            try await expect(try await store.agent(id: agent.id) == nil, "gone")
            try await expect(try await store.deleteAgent(id: agent.id, orgID: a.id) == false, "second delete finds nothing")
        },
        ConformanceCase(name: "MCP servers keep their kind and url, list apart from agents, share the DID namespace") { store in
            let org = try await makeOrg(store)
            let agent = makeAgent(org, at: 10)
            var server = makeAgent(org, did: "did:key:z6Mk\(uuid())", at: 20)
            server.kind = .mcpServer
            server.url = "https://mcp.example/sse"
            try await store.insertAgent(agent)
            try await store.insertAgent(server)
            try await expect(try await store.agent(id: server.id) == server, "kind and url survive the round trip")
            try await expect(try await store.agent(did: server.did!) == server, "found by DID like an agent")
            try await expect(try await store.agents(orgID: org.id, kind: .agent, after: nil, limit: nil).map(\.id) == [agent.id], "agents list has no server")
            try await expect(try await store.agents(orgID: org.id, kind: .mcpServer, after: nil, limit: nil).map(\.id) == [server.id], "servers list has no agent")
            var clash = makeAgent(org, did: server.did)
            clash.kind = .agent
            try await expectThrows("an agent with a server's DID", {
                try await store.insertAgent(clash)
            }, matches: { error in
                if case StoreError.uniqueViolation(let c) = error { c == "agents.did" } else { false }
            })
            var turned = server
            turned.kind = .agent
            turned.name = "now an agent?"
            try await expect(try await store.updateAgent(turned) == false, "an update cannot change the kind")
            var moved = server
            moved.url = nil
            moved.updatedAt += 1
            try await expect(try await store.updateAgent(moved), "a server updates as a server")
            moved.revision += 1
            try await expect(try await store.agent(id: server.id) == moved, "url cleared")
        },
    ]
}
