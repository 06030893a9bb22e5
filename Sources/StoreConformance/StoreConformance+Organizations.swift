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
    ]
}
