import BadgeCore
import Foundation

/// Dashboard identities: turns verified session claims into a `Principal`, applies the identity
/// provider's (Clerk's) user/organisation/membership events, and answers the `/v1/orgs` queries.
public struct IdentityService: Sendable {
    /// The records this use case reads and writes.
    public typealias Records = IdentityStore & OrganizationStore
    /// The storage ports this use case needs.
    public typealias Store = Records & UnitOfWork

    /// Where reads and writes go: the store, or the transaction of a webhook delivery.
    let store: any Records
    let transactions: any UnitOfWork
    let clock: any RegistryClock

    public init(store: any Store, clock: any RegistryClock) {
        self.init(records: store, transactions: store, clock: clock)
    }

    private init(records: any Records, transactions: any UnitOfWork, clock: any RegistryClock) {
        self.store = records
        self.transactions = transactions
        self.clock = clock
    }

    static func uuid() -> String { UUID().uuidString.lowercased() }

    // MARK: Sign-in

    /// The caller a verified session acts as: the token's organisation when it names one (created
    /// on first sight if the webhook has not told us yet), else the user's personal organisation.
    public func principal(for claims: SessionClaims) async throws -> Principal {
        let now = clock.now()
        var user = try await store.user(externalID: claims.userID)
        if user == nil {
            user = try await store.upsertUser(User(id: Self.uuid(), externalID: claims.userID, createdAt: now, updatedAt: now))
        }
        guard let user, user.deletedAt == nil else {
            throw RegistryError(.userDeleted, "this user has been deleted")
        }
        if let externalOrg = claims.orgID {
            let org = try await mirroredOrganization(externalID: externalOrg, name: claims.orgSlug ?? externalOrg)
            guard org.deletedAt == nil else { throw RegistryError(.organizationDeleted, "this organisation has been deleted") }
            let role = OrgRole(clerk: claims.orgRole)
            let existing = try await store.membership(orgID: org.id, userID: user.id)
            if existing?.role != role {
                try await store.upsertMembership(Membership(orgID: org.id, userID: user.id, role: role, createdAt: existing?.createdAt ?? now, updatedAt: now))
            }
            return Principal.session(orgID: org.id, userID: user.id, role: role)
        }
        let org = try await personalOrganization(of: user)
        return Principal.session(orgID: org.id, userID: user.id, role: .admin)
    }

    /// The user's personal organisation, created (named after the user, admin membership) on first use.
    func personalOrganization(of user: User) async throws -> Organization {
        if let id = user.personalOrgID, let org = try await store.organization(id: id), org.deletedAt == nil {
            if try await store.membership(orgID: org.id, userID: user.id) == nil {
                try await store.upsertMembership(Membership(orgID: org.id, userID: user.id, role: .admin, createdAt: clock.now(), updatedAt: clock.now()))
            }
            return org
        }
        let base = user.name ?? user.email ?? user.externalID
        let org = try await insertOrganization(name: base, externalID: nil, uniqueSuffix: user.externalID)
        let now = clock.now()
        if try await store.setPersonalOrganization(userID: user.id, orgID: org.id) == false {
            // Another request created one first: use it and retire ours.
            _ = try await store.markOrganizationDeleted(id: org.id, at: now)
            if let winner = try await store.user(id: user.id), winner.personalOrgID != nil, winner.personalOrgID != user.personalOrgID {
                return try await personalOrganization(of: winner)
            }
            throw RegistryError(.internalError, "personal organisation could not be linked")
        }
        try await store.upsertMembership(Membership(orgID: org.id, userID: user.id, role: .admin, createdAt: now, updatedAt: now))
        return org
    }

    /// The organisation mirroring `externalID`, created with `name` when unknown.
    func mirroredOrganization(externalID: String, name: String) async throws -> Organization {
        if let org = try await store.organization(externalID: externalID) { return org }
        do {
            return try await insertOrganization(name: name, externalID: externalID, uniqueSuffix: externalID)
        } catch StoreError.uniqueViolation {
            guard let org = try await store.organization(externalID: externalID) else { throw RegistryError.notFound("organisation") }
            return org
        }
    }

    /// Inserts an organisation named `name`, or `name (suffix)` when that name is taken.
    func insertOrganization(name: String, externalID: String?, uniqueSuffix: String) async throws -> Organization {
        let trimmed = String(name.trimmingCharacters(in: .whitespacesAndNewlines).prefix(150))
        let base = trimmed.isEmpty ? uniqueSuffix : trimmed
        for candidate in [base, "\(base) (\(uniqueSuffix))", "\(base) (\(Self.uuid()))"] {
            if let existing = try await store.organization(named: candidate), existing.externalID != externalID || externalID == nil { continue }
            let org = Organization(id: Self.uuid(), name: candidate, createdAt: clock.now(), externalID: externalID)
            do {
                try await store.insertOrganization(org)
                return org
            } catch StoreError.uniqueViolation(let constraint) where constraint.contains("name") {
                continue
            }
        }
        throw RegistryError(.conflict, "no free organisation name")
    }

    /// Renames a mirrored organisation, keeping names unique.
    func rename(_ org: Organization, to name: String, suffix: String) async throws {
        let trimmed = String(name.trimmingCharacters(in: .whitespacesAndNewlines).prefix(150))
        guard !trimmed.isEmpty, trimmed != org.name else {
            if org.deletedAt != nil { _ = try await store.updateOrganization(id: org.id, name: org.name) }
            return
        }
        for candidate in [trimmed, "\(trimmed) (\(suffix))"] {
            if let other = try await store.organization(named: candidate), other.id != org.id { continue }
            do {
                _ = try await store.updateOrganization(id: org.id, name: candidate)
                return
            } catch StoreError.uniqueViolation {
                continue
            }
        }
    }

    // MARK: Webhook events

    /// What happened to one webhook delivery.
    public enum WebhookOutcome: String, Sendable {
        case processed, duplicate, ignored
    }

    /// Applies one verified event exactly once per delivery id, in one transaction with the record
    /// of the delivery (a failure leaves nothing behind, so the provider's retry starts afresh).
    public func handle(deliveryID: String, type: String, data: JSONValue) async throws -> WebhookOutcome {
        let known = Self.handledTypes.contains(type)
        let now = clock.now()
        return try await transactions.inTransaction { tx in
            guard try await tx.recordWebhookDelivery(id: deliveryID, type: type, at: now) else { return .duplicate }
            guard known else { return .ignored }
            try await IdentityService(records: tx, transactions: transactions, clock: clock).apply(type: type, data: data)
            return .processed
        }
    }

    public static let handledTypes: Set<String> = [
        "user.created", "user.updated", "user.deleted",
        "organization.created", "organization.updated", "organization.deleted",
        "organizationMembership.created", "organizationMembership.updated", "organizationMembership.deleted",
    ]

    static func text(_ value: JSONValue?) -> String? {
        guard let string = value?.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines), !string.isEmpty else { return nil }
        return String(string.prefix(200))
    }

    func apply(type: String, data: JSONValue) async throws {
        let now = clock.now()
        guard let id = Self.text(data["id"]) else { throw RegistryError.invalidRequest("event data has no id") }
        switch type {
        case "user.created", "user.updated":
            let emails = data["email_addresses"]?.arrayValue ?? []
            let primaryID = Self.text(data["primary_email_address_id"])
            let primary = emails.first { Self.text($0["id"]) == primaryID } ?? emails.first
            let fullName = [Self.text(data["first_name"]), Self.text(data["last_name"])].compactMap { $0 }.joined(separator: " ")
            _ = try await store.upsertUser(User(
                id: Self.uuid(), externalID: id, email: Self.text(primary?["email_address"]),
                name: fullName.isEmpty ? Self.text(data["username"]) : fullName, createdAt: now, updatedAt: now
            ))
        case "user.deleted":
            if let user = try await store.user(externalID: id) { _ = try await store.markUserDeleted(id: user.id, at: now) }
        case "organization.created", "organization.updated":
            let name = Self.text(data["name"]) ?? Self.text(data["slug"]) ?? id
            if let org = try await store.organization(externalID: id) {
                try await rename(org, to: name, suffix: id)
            } else {
                _ = try await mirroredOrganization(externalID: id, name: name)
            }
        case "organization.deleted":
            if let org = try await store.organization(externalID: id) { _ = try await store.markOrganizationDeleted(id: org.id, at: now) }
        case "organizationMembership.created", "organizationMembership.updated", "organizationMembership.deleted":
            guard let orgExternal = Self.text(data["organization"]?["id"]),
                  let userExternal = Self.text(data["public_user_data"]?["user_id"])
            else { throw RegistryError.invalidRequest("membership event lacks organization.id or public_user_data.user_id") }
            if type == "organizationMembership.deleted" {
                if let org = try await store.organization(externalID: orgExternal), let user = try await store.user(externalID: userExternal) {
                    _ = try await store.deleteMembership(orgID: org.id, userID: user.id)
                }
                return
            }
            let org = try await mirroredOrganization(
                externalID: orgExternal, name: Self.text(data["organization"]?["name"]) ?? Self.text(data["organization"]?["slug"]) ?? orgExternal
            )
            var user = try await store.user(externalID: userExternal)
            if user == nil {
                let publicData = data["public_user_data"]
                let fullName = [Self.text(publicData?["first_name"]), Self.text(publicData?["last_name"])].compactMap { $0 }.joined(separator: " ")
                user = try await store.upsertUser(User(
                    id: Self.uuid(), externalID: userExternal, email: Self.text(publicData?["identifier"]),
                    name: fullName.isEmpty ? nil : fullName, createdAt: now, updatedAt: now
                ))
            }
            // A deleted user's memberships went with it; a late membership event does not bring one back.
            guard let user, user.deletedAt == nil else { return }
            let existing = try await store.membership(orgID: org.id, userID: user.id)
            try await store.upsertMembership(Membership(
                orgID: org.id, userID: user.id, role: OrgRole(clerk: Self.text(data["role"])), createdAt: existing?.createdAt ?? now, updatedAt: now
            ))
        default:
            break
        }
    }

    // MARK: Organisation queries

    /// The organisations the caller belongs to, with the caller's role (API keys: their own org).
    public func organizations(of principal: Principal) async throws -> [(Organization, OrgRole?)] {
        guard let userID = principal.userID else {
            guard let org = try await store.organization(id: principal.orgID) else { return [] }
            return [(org, nil)]
        }
        var result: [(Organization, OrgRole?)] = []
        for membership in try await store.memberships(userID: userID) {
            if let org = try await store.organization(id: membership.orgID), org.deletedAt == nil { result.append((org, membership.role)) }
        }
        return result
    }

    /// One organisation the caller belongs to; anything else is `404`.
    public func organization(_ id: String, of principal: Principal) async throws -> (Organization, OrgRole?) {
        let id = id.lowercased()
        guard let found = try await organizations(of: principal).first(where: { $0.0.id == id }) else {
            throw RegistryError(.organizationNotFound, "organisation not found")
        }
        return found
    }

    /// The members of an organisation, for its admins (or an API key with `keys:admin` in it).
    public func members(of id: String, principal: Principal) async throws -> [(Membership, User)] {
        let (org, role) = try await organization(id, of: principal)
        if principal.userID != nil {
            guard role == .admin else { throw RegistryError(.insufficientRole, "only organisation admins can list members") }
        } else if !principal.allows(Scope.keysAdmin) {
            throw RegistryError(.insufficientScope, "this API key lacks the 'keys:admin' scope")
        }
        var result: [(Membership, User)] = []
        for membership in try await store.members(orgID: org.id) {
            if let user = try await store.user(id: membership.userID) { result.append((membership, user)) }
        }
        return result
    }
}
