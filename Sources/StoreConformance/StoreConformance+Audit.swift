import Registry

extension StoreConformance {
    static let auditCases: [ConformanceCase] = [
        ConformanceCase(name: "audit events append and list per org, oldest first") { store in
            let a = try await makeOrg(store)
            let b = try await makeOrg(store)
            let events = [
                AuditEvent(id: uuid(), orgID: a.id, type: "badge.revoked", actor: "apikey:1", subject: "jti", details: #"{"r":"x"}"#, createdAt: 30),
                AuditEvent(id: uuid(), orgID: nil, type: "ca.key.rotated", actor: "system", subject: nil, details: nil, createdAt: 5),
                AuditEvent(id: uuid(), orgID: a.id, type: "org.verified", actor: "operator:ann", subject: a.id, details: nil, createdAt: 10),
                AuditEvent(id: uuid(), orgID: b.id, type: "org.verified", actor: "operator:ann", subject: b.id, details: nil, createdAt: 20),
            ]
            for event in events { try await store.appendEvent(event) }
            try await expect(try await store.events(orgID: a.id) == [events[2], events[0]], "org a: its events, oldest first, every field")
            try await expect(try await store.events(orgID: b.id) == [events[3]], "org b: only its event")
            try await expect(try await store.events(orgID: nil) == [events[1], events[2], events[3], events[0]], "all events in time order")
            try await expect(try await store.events(orgID: uuid()).isEmpty, "unknown org has none")
        },
        ConformanceCase(name: "audit events filter by type, time and agent, and page by cursor") { store in
            let org = try await makeOrg(store)
            var events: [AuditEvent] = []
            for n in 0..<6 {
                events.append(AuditEvent(
                    id: uuid(), orgID: org.id, type: n % 2 == 0 ? "agent.created" : "badge.issued", actor: "apikey:1",
                    subject: "s\(n)", agentID: n < 3 ? "agent-a" : "agent-b", details: nil, createdAt: 100 + Int64(n / 2)
                ))
            }
            for event in events.reversed() { try await store.appendEvent(event) }
            let ordered = events.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
            try await expect(try await store.events(EventQuery(orgID: org.id)) == ordered, "every field, (created_at, id) order")
            try await expect(try await store.events(EventQuery(orgID: org.id, type: "badge.issued")) == ordered.filter { $0.type == "badge.issued" }, "by type")
            try await expect(try await store.events(EventQuery(orgID: org.id, since: 101)) == ordered.filter { $0.createdAt >= 101 }, "since is inclusive")
            try await expect(try await store.events(EventQuery(orgID: org.id, agentID: "agent-b")) == ordered.filter { $0.agentID == "agent-b" }, "by agent")
            let first = try await store.events(EventQuery(orgID: org.id, limit: 4))
            try await expect(first == Array(ordered.prefix(4)), "first page")
            let next = try await store.events(EventQuery(orgID: org.id, after: PageCursor(createdAt: first[3].createdAt, id: first[3].id), limit: 4))
            try await expect(next == Array(ordered.suffix(2)), "second page continues after the cursor, ties included")
        },
        ConformanceCase(name: "a transaction commits a change and its event together or not at all") { store in
            let org = try await makeOrg(store)
            let kept = makeAgent(org)
            try await store.inTransaction { tx in
                try await tx.insertAgent(kept)
                try await tx.appendEvent(AuditEvent(id: uuid(), orgID: org.id, type: "agent.created", actor: "t", subject: kept.id, details: nil, createdAt: 1))
            }
            try await expect(try await store.agent(id: kept.id) != nil, "committed agent visible")
            try await expect(try await store.events(orgID: org.id).count == 1, "committed event visible")
            struct Abort: Error {}
            let dropped = makeAgent(org)
            do {
                try await store.inTransaction { tx in
                    try await tx.insertAgent(dropped)
                    try await tx.appendEvent(AuditEvent(id: uuid(), orgID: org.id, type: "agent.created", actor: "t", subject: dropped.id, details: nil, createdAt: 2))
                    throw Abort()
                }
                try await expect(false, "the transaction should have thrown")
            } catch is Abort {}
            try await expect(try await store.agent(id: dropped.id) == nil, "rolled-back agent absent")
            try await expect(try await store.events(orgID: org.id).count == 1, "rolled-back event absent")
        },
    ]
}
