/// A tenant. Every agent, API key and badge belongs to exactly one organisation.
public struct Organization: Sendable, Equatable {
    public var id: String
    public var name: String
    public var createdAt: Int64
    /// Highest level an operator verified this organisation at (3 = OV, 4 = EV), if any.
    public var verifiedLevel: Int?
    public var verifiedAt: Int64?
    public var verifiedBy: String?
    public var verificationNote: String?
    /// The identity provider's id for this organisation (a Clerk `org_…` id), when it mirrors one.
    public var externalID: String?
    /// Set when the identity provider deleted the organisation; its data stays, nobody can act for it.
    public var deletedAt: Int64?

    public init(
        id: String, name: String, createdAt: Int64, verifiedLevel: Int? = nil, verifiedAt: Int64? = nil,
        verifiedBy: String? = nil, verificationNote: String? = nil, externalID: String? = nil, deletedAt: Int64? = nil
    ) {
        self.externalID = externalID
        self.deletedAt = deletedAt
        self.id = id
        self.name = name
        self.createdAt = createdAt
        self.verifiedLevel = verifiedLevel
        self.verifiedAt = verifiedAt
        self.verifiedBy = verifiedBy
        self.verificationNote = verificationNote
    }
}
