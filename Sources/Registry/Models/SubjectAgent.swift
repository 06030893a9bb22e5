/// The state of an agent that may be a badge's subject, read together with the badge's ledger
/// entry so verification checks revocation and agent status with one read.
public struct SubjectAgent: Sendable, Equatable {
    public var id: String
    public var did: String?
    public var status: AgentStatus

    public init(id: String, did: String?, status: AgentStatus) {
        self.id = id
        self.did = did
        self.status = status
    }
}
