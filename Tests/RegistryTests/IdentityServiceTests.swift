import BadgeCore
import Foundation
import MemoryStore
import Registry
import Testing

/// Clerk identities (`IdentityService`): session claims → principal, and webhook events.
@Suite struct IdentityServiceTests {
    static func user(_ id: String, first: String = "Ann", email: String = "ann@example.com") -> JSONValue {
        [
            "id": .string(id), "object": "user", "first_name": .string(first), "last_name": "Lee",
            "primary_email_address_id": "idn_2", "email_addresses": [
                ["id": "idn_1", "email_address": "old@example.com"], ["id": "idn_2", "email_address": .string(email)],
            ],
        ]
    }

    static func membership(org: String, user: String, role: String) -> JSONValue {
        [
            "id": "orgmem_1", "object": "organization_membership", "role": .string(role),
            "organization": ["id": .string(org), "name": "Acme Corp", "slug": "acme"],
            "public_user_data": ["user_id": .string(user), "identifier": "bo@example.com", "first_name": "Bo"],
        ]
    }

    /// Delivers one event with a fresh delivery id.
    @discardableResult
    static func deliver(_ world: World, _ type: String, _ data: JSONValue, id: String = "msg_\(UUID().uuidString)") async throws -> IdentityService.WebhookOutcome {
        try await world.identities.handle(deliveryID: id, type: type, data: data)
    }

    // MARK: Sign-in

    @Test func aFirstSignInWithoutAnOrganisationCreatesThePersonalOne() async throws {
        let world = try await World.make()
        let principal = try await world.identities.principal(for: SessionClaims(userID: "user_new"))
        let user = try #require(try await world.store.user(externalID: "user_new"))
        #expect(principal == Principal.session(orgID: principal.orgID, userID: user.id, role: .admin))
        #expect(principal.scopes.isEmpty && principal.apiKeyID == nil)
        #expect(user.personalOrgID == principal.orgID)
        let org = try #require(try await world.store.organization(id: principal.orgID))
        #expect(org.name == "user_new" && org.externalID == nil && org.deletedAt == nil)
        #expect(try await world.store.membership(orgID: org.id, userID: user.id)?.role == .admin)
        // Signing in again lands in the same organisation.
        #expect(try await world.identities.principal(for: SessionClaims(userID: "user_new")) == principal)
        #expect(try await world.store.members(orgID: org.id).count == 1)
    }

    @Test func personalOrganisationsAreNamedAfterTheUserAndKeptUnique() async throws {
        let world = try await World.make()
        try await Self.deliver(world, "user.created", Self.user("user_a"))
        try await Self.deliver(world, "user.created", Self.user("user_b"))
        let a = try await world.identities.principal(for: SessionClaims(userID: "user_a"))
        let b = try await world.identities.principal(for: SessionClaims(userID: "user_b"))
        #expect(try await world.store.organization(id: a.orgID)?.name == "Ann Lee")
        #expect(try await world.store.organization(id: b.orgID)?.name == "Ann Lee (user_b)")
    }

    @Test func anOrganisationInTheTokenIsMirroredWithTheMappedRole() async throws {
        let world = try await World.make()
        let admin = try await world.identities.principal(for: SessionClaims(userID: "user_1", orgID: "org_a", orgRole: "org:admin", orgSlug: "acme"))
        let org = try #require(try await world.store.organization(externalID: "org_a"))
        #expect(org.name == "acme" && admin.orgID == org.id && admin.role == .admin && admin.scopes.isEmpty)
        let user = try #require(try await world.store.user(externalID: "user_1"))
        #expect(user.personalOrgID == nil)
        let created = try #require(try await world.store.membership(orgID: org.id, userID: user.id))
        #expect(created.role == .admin)

        world.clock.advance(5)
        let member = try await world.identities.principal(for: SessionClaims(userID: "user_1", orgID: "org_a", orgRole: "org:member"))
        #expect(member.orgID == org.id && member.role == .member && member.scopes == Scope.memberScopes)
        #expect(!member.allows(Scope.keysAdmin) && member.allows(Scope.badgesIssue))
        let changed = try #require(try await world.store.membership(orgID: org.id, userID: user.id))
        #expect(changed.role == .member && changed.createdAt == created.createdAt && changed.updatedAt == created.updatedAt + 5)

        // Clerk's v2 spelling; anything but admin is a member.
        #expect(try await world.identities.principal(for: SessionClaims(userID: "user_2", orgID: "org_a", orgRole: "admin")).role == .admin)
        #expect(try await world.identities.principal(for: SessionClaims(userID: "user_3", orgID: "org_a", orgRole: "org:billing")).role == .member)
        #expect(try await world.identities.principal(for: SessionClaims(userID: "user_4", orgID: "org_a")).role == .member)
        #expect(try await world.store.members(orgID: org.id).count == 4)
    }

    @Test func deletedUsersAndOrganisationsCannotSignIn() async throws {
        let world = try await World.make()
        _ = try await world.identities.principal(for: SessionClaims(userID: "user_1", orgID: "org_a", orgRole: "org:admin"))
        try await Self.deliver(world, "organization.deleted", ["id": "org_a", "deleted": true])
        await expectError("organization_deleted", kind: .forbidden) {
            _ = try await world.identities.principal(for: SessionClaims(userID: "user_1", orgID: "org_a", orgRole: "org:admin"))
        }
        // The personal organisation still works.
        _ = try await world.identities.principal(for: SessionClaims(userID: "user_1"))
        try await Self.deliver(world, "user.deleted", ["id": "user_1", "deleted": true])
        await expectError("user_deleted", kind: .unauthorized) { _ = try await world.identities.principal(for: SessionClaims(userID: "user_1")) }
    }

    // MARK: Webhooks

    @Test func userEventsCreateAndUpdateTheMirroredUser() async throws {
        let world = try await World.make()
        #expect(try await Self.deliver(world, "user.created", Self.user("user_1")) == .processed)
        var user = try #require(try await world.store.user(externalID: "user_1"))
        #expect(user.name == "Ann Lee" && user.email == "ann@example.com" && user.createdAt == TestClock.start)
        world.clock.advance(10)
        try await Self.deliver(world, "user.updated", Self.user("user_1", first: "Anna", email: "anna@example.com"))
        let updated = try #require(try await world.store.user(externalID: "user_1"))
        #expect(updated.id == user.id && updated.name == "Anna Lee" && updated.email == "anna@example.com" && updated.updatedAt == TestClock.start + 10)
        // A username stands in for a missing name.
        try await Self.deliver(world, "user.created", ["id": "user_2", "username": "bo", "email_addresses": []])
        user = try #require(try await world.store.user(externalID: "user_2"))
        #expect(user.name == "bo" && user.email == nil)
    }

    @Test func aRedeliveryIsADuplicateAndChangesNothing() async throws {
        let world = try await World.make()
        let id = "msg_1"
        #expect(try await Self.deliver(world, "user.created", Self.user("user_1", first: "First"), id: id) == .processed)
        #expect(try await Self.deliver(world, "user.created", Self.user("user_1", first: "Changed"), id: id) == .duplicate)
        #expect(try await world.store.user(externalID: "user_1")?.name == "First Lee")
        // Unknown types are acknowledged once, and their redelivery is a duplicate too.
        #expect(try await Self.deliver(world, "session.created", ["id": "sess_1"], id: "msg_2") == .ignored)
        #expect(try await Self.deliver(world, "session.created", ["id": "sess_1"], id: "msg_2") == .duplicate)
    }

    @Test func aFailingEventLeavesNothingBehindSoTheRetryApplies() async throws {
        let world = try await World.make()
        await expectError("invalid_request", kind: .invalidInput) {
            try await Self.deliver(world, "organizationMembership.created", ["id": "orgmem_1", "role": "org:admin", "organization": ["id": "org_x"]], id: "msg_9")
        }
        await expectError("invalid_request") { try await Self.deliver(world, "user.created", ["first_name": "No id"], id: "msg_8") }
        // The deliveries were not remembered: the provider's retries are processed.
        #expect(try await Self.deliver(world, "organizationMembership.created", Self.membership(org: "org_x", user: "user_x", role: "org:admin"), id: "msg_9") == .processed)
        #expect(try await Self.deliver(world, "user.created", Self.user("user_y"), id: "msg_8") == .processed)
    }

    @Test func organisationEventsMirrorRenameAndDelete() async throws {
        let world = try await World.make()
        try await Self.deliver(world, "organization.created", ["id": "org_a", "name": "Acme", "slug": "acme"])
        let org = try #require(try await world.store.organization(externalID: "org_a"))
        #expect(org.name == "Acme" && org.deletedAt == nil)
        try await Self.deliver(world, "organization.updated", ["id": "org_a", "name": "Acme Ltd"])
        #expect(try await world.store.organization(id: org.id)?.name == "Acme Ltd")
        // A name another organisation holds gets the external id as suffix; only the slug: the slug.
        _ = try await world.organizations.findOrCreate("Taken")
        try await Self.deliver(world, "organization.updated", ["id": "org_a", "name": "Taken"])
        #expect(try await world.store.organization(id: org.id)?.name == "Taken (org_a)")
        try await Self.deliver(world, "organization.created", ["id": "org_b", "slug": "bee"])
        #expect(try await world.store.organization(externalID: "org_b")?.name == "bee")

        // Deletion: memberships go, API keys are revoked, nobody can act for it.
        try await Self.deliver(world, "organizationMembership.created", Self.membership(org: "org_a", user: "user_1", role: "org:admin"))
        let key = try await world.apiKeys.create(orgID: org.id, name: "ci")
        world.clock.advance(3)
        try await Self.deliver(world, "organization.deleted", ["id": "org_a", "deleted": true])
        #expect(try await world.store.organization(id: org.id)?.deletedAt == TestClock.start + 3)
        #expect(try await world.store.members(orgID: org.id).isEmpty)
        #expect(try await world.store.apiKeys(orgID: org.id).map(\.revokedAt) == [TestClock.start + 3])
        await expectError("unauthorized", kind: .unauthorized) { _ = try await world.apiKeys.authenticate(key.plaintext) }
        // A later update brings it back (the provider recreated it), under its name.
        try await Self.deliver(world, "organization.updated", ["id": "org_a", "name": "Taken (org_a)"])
        #expect(try await world.store.organization(id: org.id)?.deletedAt == nil)
    }

    @Test func membershipEventsCreateChangeAndRemoveMemberships() async throws {
        let world = try await World.make()
        try await Self.deliver(world, "user.created", Self.user("user_1"))
        try await Self.deliver(world, "organization.created", ["id": "org_a", "name": "Acme"])
        let user = try #require(try await world.store.user(externalID: "user_1"))
        let org = try #require(try await world.store.organization(externalID: "org_a"))
        try await Self.deliver(world, "organizationMembership.created", Self.membership(org: "org_a", user: "user_1", role: "org:admin"))
        let created = try #require(try await world.store.membership(orgID: org.id, userID: user.id))
        #expect(created.role == .admin)
        world.clock.advance(4)
        try await Self.deliver(world, "organizationMembership.updated", Self.membership(org: "org_a", user: "user_1", role: "org:member"))
        let updated = try #require(try await world.store.membership(orgID: org.id, userID: user.id))
        #expect(updated.role == .member && updated.createdAt == created.createdAt && updated.updatedAt == TestClock.start + 4)
        try await Self.deliver(world, "organizationMembership.deleted", Self.membership(org: "org_a", user: "user_1", role: "org:member"))
        #expect(try await world.store.membership(orgID: org.id, userID: user.id) == nil)
        // Deleting an unknown membership is a no-op.
        #expect(try await Self.deliver(world, "organizationMembership.deleted", Self.membership(org: "org_zz", user: "user_zz", role: "x")) == .processed)
        #expect(try await world.store.user(externalID: "user_zz") == nil)
    }

    @Test func aMembershipForUnknownUserAndOrganisationCreatesBoth() async throws {
        let world = try await World.make()
        try await Self.deliver(world, "organizationMembership.created", Self.membership(org: "org_new", user: "user_new", role: "org:admin"))
        let user = try #require(try await world.store.user(externalID: "user_new"))
        let org = try #require(try await world.store.organization(externalID: "org_new"))
        #expect(user.name == "Bo" && user.email == "bo@example.com" && org.name == "Acme Corp")
        #expect(try await world.store.membership(orgID: org.id, userID: user.id)?.role == .admin)
        // The member then signs in to exactly that organisation.
        let principal = try await world.identities.principal(for: SessionClaims(userID: "user_new", orgID: "org_new", orgRole: "org:admin"))
        #expect(principal.orgID == org.id && principal.userID == user.id)
    }

    @Test func deletingAUserMarksItAndDropsItsMemberships() async throws {
        let world = try await World.make()
        try await Self.deliver(world, "organizationMembership.created", Self.membership(org: "org_a", user: "user_1", role: "org:member"))
        let user = try #require(try await world.store.user(externalID: "user_1"))
        let org = try #require(try await world.store.organization(externalID: "org_a"))
        world.clock.advance(2)
        try await Self.deliver(world, "user.deleted", ["id": "user_1", "deleted": true])
        #expect(try await world.store.user(id: user.id)?.deletedAt == TestClock.start + 2)
        #expect(try await world.store.members(orgID: org.id).isEmpty)
        // Webhooks arrive out of order: an update or a membership delivered after the deletion
        // neither revives the user nor gives it a membership again.
        world.clock.advance(1)
        try await Self.deliver(world, "user.updated", Self.user("user_1"))
        try await Self.deliver(world, "organizationMembership.updated", Self.membership(org: "org_a", user: "user_1", role: "org:admin"))
        #expect(try await world.store.user(id: user.id)?.deletedAt == TestClock.start + 2)
        #expect(try await world.store.members(orgID: org.id).isEmpty)
        await expectError("user_deleted", kind: .unauthorized) { _ = try await world.identities.principal(for: SessionClaims(userID: "user_1")) }
        // Deleting an unknown user is a no-op.
        #expect(try await Self.deliver(world, "user.deleted", ["id": "user_unknown"]) == .processed)
    }

    // MARK: Organisation queries

    @Test func organisationsAndMembersAreVisibleByMembershipAndRole() async throws {
        let world = try await World.make()
        let admin = try await world.identities.principal(for: SessionClaims(userID: "user_admin", orgID: "org_a", orgRole: "org:admin"))
        let member = try await world.identities.principal(for: SessionClaims(userID: "user_member", orgID: "org_a", orgRole: "org:member"))
        let outsider = try await world.identities.principal(for: SessionClaims(userID: "user_out", orgID: "org_b", orgRole: "org:admin"))
        let orgID = admin.orgID
        #expect(try await world.identities.organization(orgID, of: member).1 == .member)
        let members = try await world.identities.members(of: orgID, principal: admin)
        #expect(Set(members.map { $0.1.externalID }) == ["user_admin", "user_member"])
        await expectError("insufficient_role", kind: .forbidden) { _ = try await world.identities.members(of: orgID, principal: member) }
        await expectError("organization_not_found", kind: .notFound) { _ = try await world.identities.organization(orgID, of: outsider) }
        await expectError("organization_not_found") { _ = try await world.identities.members(of: orgID, principal: outsider) }
        // An API key sees its own organisation, and lists members only with keys:admin.
        let narrow = Principal(orgID: orgID, apiKeyID: "k", scopes: [Scope.agentsRead])
        #expect(try await world.identities.organizations(of: narrow).map { $0.0.id } == [orgID])
        await expectError("insufficient_scope", kind: .forbidden) { _ = try await world.identities.members(of: orgID, principal: narrow) }
        let keyAdmin = Principal(orgID: orgID, apiKeyID: "k", scopes: [Scope.keysAdmin])
        #expect(try await world.identities.members(of: orgID, principal: keyAdmin).count == 2)
        // A deleted organisation drops out of its members' lists.
        let personal = try await world.identities.principal(for: SessionClaims(userID: "user_member"))
        try await Self.deliver(world, "organization.deleted", ["id": "org_a"])
        #expect(try await world.identities.organizations(of: member).map { $0.0.id } == [personal.orgID])
    }
}
