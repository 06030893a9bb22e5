import BadgeCore
import Foundation

/// Finds and creates organisations (operator CLI and bootstrap).
public struct OrganizationService: Sendable {
    /// The storage ports this use case needs.
    public typealias Store = OrganizationStore & UnitOfWork

    let store: any Store
    let clock: any RegistryClock

    public init(store: any Store, clock: any RegistryClock) {
        self.store = store
        self.clock = clock
    }

    /// The organisation whose id or name is `reference`; nil when there is none.
    public func find(_ reference: String) async throws -> Organization? {
        if let org = try await store.organization(id: reference.lowercased()) { return org }
        return try await store.organization(named: reference)
    }

    /// The organisation whose id or name is `reference`, created (with that name) if there is none.
    public func findOrCreate(_ reference: String) async throws -> Organization {
        let reference = reference.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reference.isEmpty, reference.count <= 200 else {
            throw RegistryError.invalidRequest("organisation name must be 1–200 characters")
        }
        if let org = try await find(reference) { return org }
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

extension OrganizationService {
    /// Records an operator's organisation verification (3 = OV, 4 = EV) with who, when and why,
    /// and an audit event. Levels 3/4 badges are issued only to organisations verified so.
    public func verify(_ reference: String, level: Int, note: String, by operatorName: String) async throws -> Organization {
        guard level == 3 || level == 4 else { throw RegistryError.invalidRequest("level must be 3 (OV) or 4 (EV)") }
        let note = note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !note.isEmpty, note.count <= 1000 else { throw RegistryError.invalidRequest("a note of 1–1000 characters is required") }
        guard let org = try await find(reference) else { throw RegistryError.notFound("organisation") }
        let now = clock.now()
        try await store.inTransaction { tx in
            guard try await tx.setOrganizationVerification(orgID: org.id, level: level, note: note, by: operatorName, at: now) else {
                throw RegistryError.notFound("organisation")
            }
            try await tx.appendEvent(.make(
                "org.verified", orgID: org.id, actor: "operator:\(operatorName)", subject: org.id,
                details: ["level": .int(Int64(level)), "note": .string(note)], at: now
            ))
        }
        return try await store.organization(id: org.id) ?? org
    }
}
