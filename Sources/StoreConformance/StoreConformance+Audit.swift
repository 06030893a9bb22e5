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
    ]
}
