import Foundation
import Registry

/// One behaviour every `RegistryStore` must have, run against each backend by the storage tests.
public struct ConformanceCase: Sendable, CustomStringConvertible {
    public let name: String
    public let run: @Sendable (any RegistryStore) async throws -> Void

    public var description: String { name }
}

/// The shared storage conformance suite (after spire's `sqltest`): every backend passes the same cases.
public enum StoreConformance {
    public static var cases: [ConformanceCase] {
        organizationCases + apiKeyCases + agentCases + caKeyCases + badgeCases + rateLimitCases + auditCases + agentEventCases + challengeCases + identityCases
            + dvCases + transparencyLogCases + consoleSessionCases + listingCases + policyCases + trustStateCases
    }

    static func uuid() -> String { UUID().uuidString.lowercased() }

    /// A fresh organisation with a unique name.
    static func makeOrg(_ store: any RegistryStore, at time: Int64 = 1_700_000_000) async throws -> Organization {
        let org = Organization(id: uuid(), name: "org-\(uuid())", createdAt: time)
        try await store.insertOrganization(org)
        return org
    }
}
