import Foundation

/// Finds and creates organisations (operator CLI and bootstrap).
public struct OrganizationService: Sendable {
    let store: any RegistryStore
    let clock: any RegistryClock

    public init(store: any RegistryStore, clock: any RegistryClock) {
        self.store = store
        self.clock = clock
    }

    /// The organisation whose id or name is `reference`, created (with that name) if there is none.
    public func findOrCreate(_ reference: String) async throws -> Organization {
        let reference = reference.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reference.isEmpty, reference.count <= 200 else {
            throw RegistryError.invalidRequest("organisation name must be 1–200 characters")
        }
        if let org = try await store.organization(id: reference.lowercased()) { return org }
        if let org = try await store.organization(named: reference) { return org }
        let org = Organization(id: UUID().uuidString.lowercased(), name: reference, createdAt: clock.now())
        do {
            try await store.insertOrganization(org)
            return org
        } catch StoreError.uniqueViolation {
            // Another process created it between our read and write.
            guard let org = try await store.organization(named: reference) else { throw RegistryError.notFound("organisation") }
            return org
        }
    }
}
