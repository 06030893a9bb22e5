/// Storage port for organisations and their operator verification.
public protocol OrganizationStore: Sendable {
    func insertOrganization(_ org: Organization) async throws
    func organization(id: String) async throws -> Organization?
    func organization(named name: String) async throws -> Organization?
    /// Records that an operator verified `orgID` at `level` (3 = OV, 4 = EV). False if no such org.
    func setOrganizationVerification(orgID: String, level: Int, note: String, by actor: String, at: Int64) async throws -> Bool
}
