import Registry

extension StoreConformance {
    static func agentEvent(_ org: Organization, id: String = StoreConformance.uuid(), type: String = "task_started", agentID: String? = nil, serverID: String? = nil, at time: Int64) -> AgentEvent {
        AgentEvent(
            id: id, orgID: org.id, type: type, agentID: agentID, serverID: serverID, severity: "info", actor: "apikey:1",
            body: #"{"id":"\#(id)","type":"\#(type)","data":{"n":1}}"#, createdAt: time
        )
    }

    static let agentEventCases: [ConformanceCase] = [
        ConformanceCase(name: "agent events insert once per (org, id), list per org in (created_at, id) order") { store in
            let a = try await makeOrg(store)
            let b = try await makeOrg(store)
            let first = agentEvent(a, id: "e-2", at: 10)
            let second = agentEvent(a, id: "e-1", type: "tool_call", agentID: "agent-1", serverID: "srv-1", at: 20)
            try await expect(try await store.insertAgentEvents([second, first]) == 2, "two new events")
            var resent = first
            resent.type = "changed"
            try await expect(try await store.insertAgentEvents([resent, agentEvent(b, id: "e-2", at: 5)]) == 1, "a resent id is skipped; the same id in another org is new")
            try await expect(try await store.agentEvents(AgentEventQuery(orgID: a.id)) == [first, second], "every field, the first copy kept")
            try await expect(try await store.agentEvents(AgentEventQuery(orgID: b.id)).map(\.orgID) == [b.id], "org b sees only its own")
            try await expect(try await store.insertAgentEvents([]) == 0, "an empty batch writes nothing")
        },
        ConformanceCase(name: "concurrent agent event inserts each count their own new events, an id sent twice once") { store in
            let org = try await makeOrg(store)
            let counts = try await withThrowingTaskGroup(of: Int.self) { group in
                for n in 0..<40 {
                    // Requests 0…19 and 20…39 send the same ids: each id is new exactly once.
                    let events = (0..<5).map { agentEvent(org, id: "c-\(n % 20)-\($0)", at: Int64(n)) }
                    group.addTask { try await store.insertAgentEvents(events) }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            try await expect(counts.reduce(0, +) == 100, "100 distinct events counted once in all, got \(counts.reduce(0, +))")
            try await expect(try await store.agentEvents(AgentEventQuery(orgID: org.id, limit: 1000)).count == 100, "100 rows stored")
        },
        ConformanceCase(name: "agent events filter by type, agent, server and time, page by cursor, and purge by age") { store in
            let org = try await makeOrg(store)
            var events: [AgentEvent] = []
            for n in 0..<6 {
                events.append(agentEvent(
                    org, type: n % 2 == 0 ? "a" : "b", agentID: n < 3 ? "agent-a" : nil, serverID: n >= 4 ? "srv" : nil, at: 100 + Int64(n / 2)
                ))
            }
            try await store.insertAgentEvents(events)
            let ordered = events.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
            try await expect(try await store.agentEvents(AgentEventQuery(orgID: org.id, type: "b")) == ordered.filter { $0.type == "b" }, "by type")
            try await expect(try await store.agentEvents(AgentEventQuery(orgID: org.id, agentID: "agent-a")) == ordered.filter { $0.agentID == "agent-a" }, "by agent")
            try await expect(try await store.agentEvents(AgentEventQuery(orgID: org.id, serverID: "srv")) == ordered.filter { $0.serverID == "srv" }, "by server")
            try await expect(try await store.agentEvents(AgentEventQuery(orgID: org.id, since: 101, until: 101)) == ordered.filter { $0.createdAt == 101 }, "since and until are inclusive")
            let page = try await store.agentEvents(AgentEventQuery(orgID: org.id, limit: 3))
            try await expect(page == Array(ordered.prefix(3)), "first page")
            let rest = try await store.agentEvents(AgentEventQuery(orgID: org.id, after: PageCursor(createdAt: page[2].createdAt, id: page[2].id), limit: 10))
            try await expect(rest == Array(ordered.suffix(3)), "the next page continues after the cursor, ties included")
            try await expect(try await store.purgeAgentEvents(receivedBefore: 101) == 2, "two events older than the cutoff")
            try await expect(try await store.agentEvents(AgentEventQuery(orgID: org.id)) == Array(ordered.suffix(4)), "the rest stay")
        },
        ConformanceCase(name: "a large agent event batch is written whole") { store in
            let org = try await makeOrg(store)
            let batch = (0..<1000).map { agentEvent(org, id: "bulk-\($0)", at: 7) }
            try await expect(try await store.insertAgentEvents(batch) == 1000, "all 1000 inserted")
            try await expect(try await store.insertAgentEvents(batch) == 0, "resent whole: nothing new")
            try await expect(try await store.agentEvents(AgentEventQuery(orgID: org.id)).count == 1000, "1000 listed")
        },
    ]
}
