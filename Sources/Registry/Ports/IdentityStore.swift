/// Storage for dashboard identities: users, organisation memberships and processed webhook
/// deliveries. One of the ports `StoreTransaction` unites.
public protocol IdentityStore: Sendable {
    // MARK: Users

    /// Inserts the user, or, when one with the same `externalID` exists, updates its email, name,
    /// `updatedAt` and `deletedAt` (keeping its id and personal org). Returns the stored row.
    func upsertUser(_ user: User) async throws -> User
    func user(externalID: String) async throws -> User?
    func user(id: String) async throws -> User?
    /// Links the user's personal organisation. False when no such user.
    func setPersonalOrganization(userID: String, orgID: String) async throws -> Bool
    /// Marks the user deleted and removes every membership. False when no such user.
    func markUserDeleted(id: String, at: Int64) async throws -> Bool

    // MARK: Organisations mirrored from the identity provider

    func organization(externalID: String) async throws -> Organization?
    /// Renames an organisation (and clears `deletedAt`). False when no such org.
    func updateOrganization(id: String, name: String) async throws -> Bool
    /// Marks the organisation deleted, removes its memberships and revokes its API keys.
    func markOrganizationDeleted(id: String, at: Int64) async throws -> Bool

    // MARK: Memberships

    /// Inserts or changes the role of (`orgID`, `userID`).
    func upsertMembership(_ membership: Membership) async throws
    func membership(orgID: String, userID: String) async throws -> Membership?
    /// Removes a membership. False when there was none.
    func deleteMembership(orgID: String, userID: String) async throws -> Bool
    /// Memberships of one user in organisations that are not deleted, oldest first.
    func memberships(userID: String) async throws -> [Membership]
    /// Memberships of one organisation, oldest first.
    func members(orgID: String) async throws -> [Membership]

    // MARK: Webhook deliveries

    /// Remembers a delivery id. False when it was already remembered (a redelivery).
    func recordWebhookDelivery(id: String, type: String, at: Int64) async throws -> Bool
}
