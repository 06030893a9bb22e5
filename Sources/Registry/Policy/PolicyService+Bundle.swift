import BadgeCore
import Crypto
import Foundation
import PolicyCore

/// The organisation's policy state as `GET /v1/sdk/policy-context` reports it.
public struct PolicyContext: Sendable {
    public var orgID: String
    public var agents: [(agent: Agent, groupIDs: [String])]
    public var groups: [PolicyGroup]
    public var active: [PolicyRecord]
    public var proposals: [PolicyRecord]
}

/// One simulated decision, with the bundle revision it was evaluated against.
public struct PolicySimulation: Sendable {
    public var decision: PolicyDecision
    /// The subject's lineage when it is an agent of the organisation, else the organisation's.
    public var lineage: PolicyLineage
    public var revision: String
}

extension PolicyService {
    /// The organisation's current bundle (another organisation's answers 404).
    public func bundle(_ principal: Principal, orgID: String) async throws -> PolicyBundle {
        try requireOrganization(principal, orgID)
        return try await currentBundle(orgID: orgID)
    }

    func currentBundle(orgID: String) async throws -> PolicyBundle {
        let store = self.store
        return try await cache.value(for: orgID) {
            try await PolicySnapshot.load(orgID: orgID, store: store).bundle()
        }
    }

    /// Evaluates decision inputs against the organisation's current bundle with the native
    /// evaluator (no side effects).
    public func simulate(_ principal: Principal, orgID: String, inputs: [JSONValue]) async throws -> [PolicySimulation] {
        try requireOrganization(principal, orgID)
        let bundle = try await currentBundle(orgID: orgID)
        return inputs.map { input in
            let did = input["subject"]?["did"]?.stringValue ?? ""
            let lineage = bundle.agentLineages[did] ?? bundle.configLineage
            return PolicySimulation(decision: bundle.evaluator.evaluate(input), lineage: lineage, revision: bundle.revision)
        }
    }

    /// Simulates one decision with the agent `agentID` as its subject (capiscio `policy-api.md`
    /// `…/agents/{agentId}/simulate`): the agent's DID and trust level fill in what the input's
    /// `subject` leaves out; an input naming another subject DID is refused.
    public func simulate(_ principal: Principal, orgID: String, agentID: String, input: JSONValue) async throws -> PolicySimulation {
        try requireOrganization(principal, orgID)
        guard let agent = try await store.agent(id: agentID), agent.orgID == orgID, agent.kind == .agent else { throw RegistryError.agentNotFound }
        guard let did = agent.did else {
            throw RegistryError.invalidRequest("the agent has no DID: policies apply to agents by DID; register one first")
        }
        guard case .object(var object) = input else { throw RegistryError.invalidRequest("the body must be a decision input object") }
        var subject: [String: JSONValue] = [:]
        if let given = object["subject"] {
            guard case .object(let members) = given else { throw RegistryError.invalidRequest("subject must be an object") }
            subject = members
        }
        if let named = subject["did"], named != .string(did) {
            throw RegistryError.invalidRequest("subject.did names another subject than agent \(agentID)")
        }
        subject["did"] = .string(did)
        if subject["trust_level"] == nil { subject["trust_level"] = .string(agent.trustLevel) }
        object["subject"] = .object(subject)
        return try await simulate(principal, orgID: orgID, inputs: [.object(object)])[0]
    }

    /// Agents with their groups, groups, active documents and pending proposals.
    public func context(_ principal: Principal) async throws -> PolicyContext {
        let orgID = principal.orgID
        let snapshot = try await PolicySnapshot.load(orgID: orgID, store: store)
        // A membership added while its group was being deleted may outlive the group: not listed.
        let groupIDs = Set(snapshot.groups.map(\.id))
        let agents = snapshot.agents.map { agent in
            (agent, snapshot.members.filter { $0.agentID == agent.id && groupIDs.contains($0.groupID) }.map(\.groupID))
        }
        let proposals = try await store.policies(orgID: orgID, scope: nil, state: .proposal)
        return PolicyContext(orgID: orgID, agents: agents, groups: snapshot.groups, active: snapshot.active, proposals: proposals)
    }

    /// RFC-005 §6.4: the bundle as a compact JWS signed with the active CA key
    /// (`typ: capiscio.policy-bundle+jwt`), with a `version` that grows whenever the content changes.
    public func signedBundle(_ principal: Principal) async throws -> String {
        let orgID = principal.orgID
        let bundle = try await currentBundle(orgID: orgID)
        let now = clock.now()
        let version = try await store.policyBundleVersion(orgID: orgID, revision: bundle.revision, at: now)
        let module = Array(PolicyRego.module.utf8)
        var metadata: [String: JSONValue] = [
            "bundle_id": .string("polb_" + bundle.revision),
            "version": .int(Int64(version)),
            "revision": .string(bundle.revision),
            "issued_at": .string(Self.rfc3339(now)),
            "iat": .int(now),
            "issuer": .string(issuer.origin),
            "audience": [.string("urn:capiscio:workspace:\(orgID)")],
            "policies": [[
                "policy_id": .string(PolicyRego.moduleName),
                "language": "capiscio.rego.v1",
                "entrypoints": ["data.capiscio.policy"],
                "content": .string(Base64URL.encode(module)),
                "content_type": "text/plain",
                "sha256": .string(Base64URL.encode(Array(SHA256.hash(data: module)))),
            ]],
            "data": bundle.json["data"] ?? .null,
        ]
        let digest = SHA256.hash(data: JSONValue.object(metadata).canonicalJSON())
        metadata["digest"] = ["alg": "sha256", "value": .string(Base64URL.encode(Array(digest)))]
        let (kid, signer) = try await ca.activeSigner()
        let header: JSONValue = ["alg": "EdDSA", "typ": "capiscio.policy-bundle+jwt", "kid": .string(kid)]
        return try await JWS.sign(header: header, payload: .object(metadata), signer: signer)
    }

    private static func rfc3339(_ seconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }
}
