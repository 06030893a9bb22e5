import Registry

extension StoreConformance {
    static let identityCases: [ConformanceCase] = [
        ConformanceCase(name: "users upsert by external id and keep their id") { store in
            let ext = "user_\(uuid())"
            let first = try await store.upsertUser(User(id: uuid(), externalID: ext, email: "a@example.com", createdAt: 10, updatedAt: 10))
            let second = try await store.upsertUser(User(id: uuid(), externalID: ext, name: "Ann", createdAt: 20, updatedAt: 20))
            try await expect(second.id == first.id, "same row on conflict")
            try await expect(second.email == "a@example.com" && second.name == "Ann" && second.updatedAt == 20, "fields merged")
            try await expect(try await store.user(externalID: ext) == second, "lookup by external id")
            try await expect(try await store.user(id: first.id) == second, "lookup by id")
            let org = try await makeOrg(store)
            try await expect(try await store.setPersonalOrganization(userID: first.id, orgID: org.id), "personal org set")
            try await expect(try await store.setPersonalOrganization(userID: first.id, orgID: org.id) == false, "only once")
        },
        ConformanceCase(name: "memberships, deletion of users and organisations") { store in
            let org = Organization(id: uuid(), name: "org-\(uuid())", createdAt: 1, externalID: "org_\(uuid())")
            try await store.insertOrganization(org)
            try await expect(try await store.organization(externalID: org.externalID!) == org, "lookup by external id")
            let user = try await store.upsertUser(User(id: uuid(), externalID: "user_\(uuid())", createdAt: 1, updatedAt: 1))
            try await store.upsertMembership(Membership(orgID: org.id, userID: user.id, role: .member, createdAt: 1, updatedAt: 1))
            try await store.upsertMembership(Membership(orgID: org.id, userID: user.id, role: .admin, createdAt: 1, updatedAt: 2))
            try await expect(try await store.membership(orgID: org.id, userID: user.id)?.role == .admin, "role updated")
            try await expect(try await store.members(orgID: org.id).count == 1, "one member")
            try await expect(try await store.memberships(userID: user.id).map(\.orgID) == [org.id], "user's orgs")
            try await expect(try await store.updateOrganization(id: org.id, name: "renamed-\(uuid())"), "renamed")
            try await expect(try await store.deleteMembership(orgID: org.id, userID: user.id), "membership deleted")
            try await expect(try await store.deleteMembership(orgID: org.id, userID: user.id) == false, "already gone")
            try await store.upsertMembership(Membership(orgID: org.id, userID: user.id, role: .member, createdAt: 3, updatedAt: 3))
            try await expect(try await store.markUserDeleted(id: user.id, at: 5), "user deleted")
            try await expect(try await store.user(id: user.id)?.deletedAt == 5, "deletion time kept")
            try await expect(try await store.members(orgID: org.id).isEmpty, "memberships of a deleted user go")
            let late = try await store.upsertUser(User(id: uuid(), externalID: user.externalID, name: "late", createdAt: 6, updatedAt: 6))
            try await expect(late.deletedAt == 5 && late.name == "late", "a later upsert updates the user but does not undelete it")
            try await store.insertAPIKey(APIKeyRecord(id: uuid(), orgID: org.id, name: "k", prefix: "p", hash: uuid(), scopes: [], createdAt: 1))
            try await expect(try await store.markOrganizationDeleted(id: org.id, at: 9), "org deleted")
            try await expect(try await store.organization(id: org.id)?.deletedAt == 9, "org marked deleted")
            try await expect(try await store.apiKeys(orgID: org.id).allSatisfy { $0.revokedAt == 9 }, "its API keys are revoked")
        },
        ConformanceCase(name: "webhook deliveries are remembered once") { store in
            let id = "msg_\(uuid())"
            try await expect(try await store.recordWebhookDelivery(id: id, type: "user.created", at: 1), "first time")
            try await expect(try await store.recordWebhookDelivery(id: id, type: "user.created", at: 2) == false, "redelivery")
        },
    ]
}
