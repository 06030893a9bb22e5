import Registry

extension StoreConformance {
    static let organizationCases: [ConformanceCase] = [
        ConformanceCase(name: "organisation round trip by id and name") { store in
            let org = try await makeOrg(store)
            try await expect(try await store.organization(id: org.id) == org, "lookup by id")
            try await expect(try await store.organization(named: org.name) == org, "lookup by name")
            try await expect(try await store.organization(id: uuid()) == nil, "unknown id is nil")
        },
        ConformanceCase(name: "organisation names are unique") { store in
            let org = try await makeOrg(store)
            try await expectThrows("duplicate name", {
                try await store.insertOrganization(Organization(id: uuid(), name: org.name, createdAt: 1))
            }, matches: { if case StoreError.uniqueViolation = $0 { true } else { false } })
        },
        ConformanceCase(name: "organisation verification is stored and read back") { store in
            let org = try await makeOrg(store)
            try await expect(try await store.setOrganizationVerification(orgID: org.id, level: 3, note: "OV docs", by: "operator:ann", at: 50), "verified")
            var verified = org
            verified.verifiedLevel = 3
            verified.verifiedAt = 50
            verified.verifiedBy = "operator:ann"
            verified.verificationNote = "OV docs"
            try await expect(try await store.organization(id: org.id) == verified, "every verification field stored")
            try await expect(try await store.organization(named: org.name) == verified, "also by name")
            try await expect(try await store.setOrganizationVerification(orgID: org.id, level: 4, note: "EV", by: "operator:bob", at: 60), "re-verified")
            let reverified = Organization(
                id: org.id, name: org.name, createdAt: org.createdAt, verifiedLevel: 4, verifiedAt: 60, verifiedBy: "operator:bob", verificationNote: "EV"
            )
            try await expect(try await store.organization(id: org.id) == reverified, "the latest verification replaces every field")
            try await expect(
                try await store.setOrganizationVerification(orgID: uuid(), level: 3, note: "x", by: "operator:ann", at: 1) == false, "unknown org"
            )
            let inserted = Organization(
                id: uuid(), name: "org-\(uuid())", createdAt: 1, verifiedLevel: 4, verifiedAt: 2, verifiedBy: "operator:c", verificationNote: "n"
            )
            try await store.insertOrganization(inserted)
            try await expect(try await store.organization(id: inserted.id) == inserted, "insert keeps verification fields")
        },
    ]
}
