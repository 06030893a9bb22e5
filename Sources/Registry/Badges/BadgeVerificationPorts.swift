import BadgeCore

/// Badge keys for verification: only our own issuer is trusted, with the published key set.
struct OwnKeyResolver: BadgeKeyResolver {
    let ca: CAService
    let issuer: String

    func keys(issuer: String, kid: String?) async throws -> [PublicJWK] {
        guard issuer == self.issuer else { return [] }
        let published = try await ca.publishedKeys()
        guard let kid else { return published.map(\.key) }
        return published.filter { $0.kid == kid }.map(\.key)
    }
}

/// Resolves DIDs without network access: `did:key` locally, our registry `did:web` DIDs (and any
/// DID registered to an agent) from the database. Remote `did:web` resolution arrives with PoP.
struct RegistryDIDResolver: DIDResolving {
    let agents: AgentService
    let badges: BadgeService

    func resolve(_ did: String) async throws -> DIDDocument {
        if did.hasPrefix("did:key:") { return try DIDKey.document(for: did) }
        guard let agent = try await agents.resolve(did) else {
            throw RegistryError(.notFound, "did_not_found", "no registry agent has this DID")
        }
        return try agents.didDocument(for: agent, did: did, key: badges.agentKey(agent))
    }
}

/// Revocation and agent state from our own ledger and registry (RFC-002 §8.1 steps 8–9).
struct LedgerStatusChecker: BadgeStatusChecking {
    let service: BadgeService

    /// A jti missing from the ledger counts as revoked: we never issued it, so fail closed.
    func isRevoked(jti: String) async throws -> Bool {
        guard let record = try await service.store.badge(jti: jti) else { return true }
        return record.revokedAt != nil
    }

    /// Unknown or deleted agents are not active.
    func isAgentActive(sub: String) async throws -> Bool {
        guard let agent = try await service.agents.resolve(sub) else { return false }
        return agent.status.isUsable
    }
}
