/// A role inside an organisation.
public enum OrgRole: String, Sendable, Equatable {
    case admin, member

    /// Clerk spells roles `org:admin` / `org:member` (session token v1, webhooks) or `admin` (v2);
    /// anything but admin is a member.
    public init(clerk value: String?) {
        let value = (value ?? "").lowercased()
        self = (value == "org:admin" || value == "admin") ? .admin : .member
    }
}

/// A person who signs in to the dashboard, mirrored from the identity provider (Clerk).
public struct User: Sendable, Equatable {
    /// Insignia's own id.
    public var id: String
    /// The identity provider's id (Clerk `user_…`).
    public var externalID: String
    public var email: String?
    public var name: String?
    /// The organisation created for this person on first sign-in without an organisation.
    public var personalOrgID: String?
    public var createdAt: Int64
    public var updatedAt: Int64
    public var deletedAt: Int64?

    public init(
        id: String, externalID: String, email: String? = nil, name: String? = nil, personalOrgID: String? = nil,
        createdAt: Int64, updatedAt: Int64, deletedAt: Int64? = nil
    ) {
        self.id = id
        self.externalID = externalID
        self.email = email
        self.name = name
        self.personalOrgID = personalOrgID
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.deletedAt = deletedAt
    }
}

/// One person's role in one organisation.
public struct Membership: Sendable, Equatable {
    public var orgID: String
    public var userID: String
    public var role: OrgRole
    public var createdAt: Int64
    public var updatedAt: Int64

    public init(orgID: String, userID: String, role: OrgRole, createdAt: Int64, updatedAt: Int64) {
        self.orgID = orgID
        self.userID = userID
        self.role = role
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
