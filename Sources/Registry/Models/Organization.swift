/// A tenant. Every agent, API key and badge belongs to exactly one organisation.
public struct Organization: Sendable, Equatable {
    public var id: String
    public var name: String
    public var createdAt: Int64

    public init(id: String, name: String, createdAt: Int64) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
    }
}
