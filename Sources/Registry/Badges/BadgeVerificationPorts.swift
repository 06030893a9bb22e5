import BadgeCore
import Foundation

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

/// Resolves DIDs: `did:key` locally, our own registry `did:web` DIDs from the database (never
/// fetched over the network, CONTRACT.md §5.8), any other `did:web` through `remote`.
struct RegistryDIDResolver: DIDResolving {
    let agents: AgentService
    let remote: (any DIDResolving)?

    func resolve(_ did: String) async throws -> DIDDocument {
        if did.hasPrefix("did:key:") {
            do { return try DIDKey.document(for: did) } catch {
                throw RegistryError(.invalidDID, "not a valid Ed25519 did:key")
            }
        }
        if agents.issuer.registrySubject(fromDID: did) != nil {
            guard let agent = try await agents.resolve(did) else {
                throw RegistryError(.didResolutionFailed, "no registry agent or server has this DID")
            }
            return try agents.didDocument(for: agent, did: did)
        }
        guard did.hasPrefix("did:web:"), let remote else {
            throw RegistryError(.didResolutionFailed, "this server cannot resolve that DID")
        }
        return try await remote.resolve(did)
    }
}

/// Revocation and agent state from our own ledger and registry (RFC-002 §8.1 steps 8–9).
///
/// One per verification: the revocation check reads the ledger entry together with the agents
/// that may be its subject, so the agent check that follows usually needs no second read.
final class LedgerStatusChecker: BadgeStatusChecking, @unchecked Sendable {
    // @unchecked: `prefetched` is written by `isRevoked` and read by `isAgentActive`, which the
    // verifier calls one after the other, never concurrently; the lock makes that explicit.
    private let service: BadgeService
    private let lock = NSLock()
    private var prefetched: (badge: BadgeRecord, agents: [SubjectAgent])?

    init(service: BadgeService) {
        self.service = service
    }

    /// A jti missing from the ledger counts as revoked: we never issued it, so fail closed.
    func isRevoked(jti: String) async throws -> Bool {
        guard let entry = try await service.store.badgeWithSubjectAgents(jti: jti) else { return true }
        lock.withLock { prefetched = entry }
        return entry.badge.revokedAt != nil
    }

    /// Unknown or deleted agents are not active, except subjects of minted (anonymous DV) badges:
    /// they are active while one of their badges is live (CONTRACT.md §4.3.9).
    func isAgentActive(sub: String) async throws -> Bool {
        if let agent = lock.withLock({ prefetched.flatMap { Self.subjectAgent(sub, in: $0, agents: service.agents) } }) {
            return agent.status.isUsable
        }
        guard let agent = try await service.agents.resolve(sub) else {
            return try await service.store.liveMintedSubject(subject: sub, now: service.clock.now()) != nil
        }
        return agent.status.isUsable
    }

    /// The agent (or server) `AgentService.resolve(sub)` would find, when the prefetched rows settle
    /// it: the one registered with `sub` as its DID, else the one the badge was issued to when `sub`
    /// is its registry `did:web`. Nil: ask the store.
    static func subjectAgent(_ sub: String, in entry: (badge: BadgeRecord, agents: [SubjectAgent]), agents: AgentService) -> SubjectAgent? {
        guard entry.badge.subject == sub else { return nil }
        if let registered = entry.agents.first(where: { $0.did == sub }) { return registered }
        guard let agentID = entry.badge.agentID, agents.issuer.registrySubject(fromDID: sub)?.id.lowercased() == agentID else { return nil }
        return entry.agents.first { $0.id == agentID }
    }
}
