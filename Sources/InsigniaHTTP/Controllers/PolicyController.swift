import BadgeCore
import Foundation
import Hummingbird
import PolicyCore
import Registry

/// Policy management (`/v1/orgs/{orgId}/policy/…`, capiscio-docs `reference/policy-api.md`), the SDK
/// policy context, agent groups (`/v1/orgs/{orgId}/groups`), the OPA bundle capiscio-core's PDP polls and the signed bundle (issue #16).
/// Answers are the documented JSON objects themselves, not wrapped in `{success, data}`.
struct PolicyController {
    let policies: PolicyService
    let bodyLimit: Int

    private static let base = "/v1/orgs/{id}/policy"

    func register(on group: RouterGroup<AppRequestContext>) {
        let base = Self.base
        for (path, scope) in [("/org", PolicyScopeType.org), ("/groups/{scopeId}", .group), ("/agents/{scopeId}", .agent)] {
            group.post(RouterPath(base + path)) { request, context in try await propose(request, context, scope) }
            group.put(RouterPath(base + path)) { request, context in try await propose(request, context, scope) }
            group.get(RouterPath(base + path)) { _, context in try await active(context, scope) }
            group.get(RouterPath(base + path + "/history")) { _, context in try await history(context, scope) }
            group.delete(RouterPath(base + path)) { _, context in try await archive(context, scope) }
        }
        group.get(RouterPath(base + "/proposals")) { _, context in try await proposals(context) }
        group.post(RouterPath(base + "/proposals/{proposalId}/approve")) { _, context in try await approve(context) }
        group.post(RouterPath(base + "/proposals/{proposalId}/reject")) { request, context in try await reject(request, context) }
        group.get(RouterPath(base + "/agents/{scopeId}/resolved")) { _, context in try await resolved(context, lineage: false) }
        group.get(RouterPath(base + "/agents/{scopeId}/lineage")) { _, context in try await resolved(context, lineage: true) }
        group.post(RouterPath(base + "/simulate")) { request, context in try await simulate(request, context) }
        group.post(RouterPath(base + "/agents/{scopeId}/simulate")) { request, context in try await simulateAgent(request, context) }
        group.get("/v1/orgs/{id}/groups") { _, context in try await groups(context) }
        group.post("/v1/orgs/{id}/groups") { request, context in try await createGroup(request, context) }
        group.delete("/v1/orgs/{id}/groups/{groupId}") { _, context in try await deleteGroup(context) }
        group.put("/v1/orgs/{id}/groups/{groupId}/agents/{agentId}") { _, context in try await member(context, present: true) }
        group.delete("/v1/orgs/{id}/groups/{groupId}/agents/{agentId}") { _, context in try await member(context, present: false) }
        group.get("/v1/sdk/policy-context") { _, context in try await policyContext(context) }
        group.get("/v1/policy/bundles/latest") { _, context in try await signedBundle(context) }
    }

    /// The OPA bundle every PDP polls, on a group authenticated from key reads at most
    /// `APIKeyService.bundleKeyAge` old (the bundle itself is up to a second old).
    func registerBundle(on group: RouterGroup<AppRequestContext>) {
        group.get("/v1/bundles/{orgId}") { _, context in try await bundle(context) }
    }

    // MARK: Writes (organisation admins)

    private func propose(_ request: Request, _ context: AppRequestContext, _ scope: PolicyScopeType) async throws -> Response {
        let principal = try context.requirePrincipal(scope: Scope.keysAdmin)
        let body = try await JSONBody.object(request, limit: bodyLimit)
        guard let yaml = try body.string("yaml_content") else { throw RegistryError(.invalidPolicy, "yaml_content is required") }
        let record = try await policies.propose(
            principal, orgID: try context.orgParameter(), scope: scope,
            scopeID: scope == .org ? nil : try context.pathParameter("scopeId"), yaml: yaml
        )
        return APIResponse.json(Self.json(record), status: .created)
    }

    private func approve(_ context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal(scope: Scope.keysAdmin)
        let record = try await policies.approve(principal, orgID: try context.orgParameter(), id: try context.pathParameter("proposalId"))
        return APIResponse.json(Self.json(record))
    }

    private func reject(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal(scope: Scope.keysAdmin)
        let body = try await JSONBody.object(request, limit: bodyLimit)
        let record = try await policies.reject(
            principal, orgID: try context.orgParameter(), id: try context.pathParameter("proposalId"), reason: try body.string("reason") ?? ""
        )
        return APIResponse.json(Self.json(record))
    }

    private func archive(_ context: AppRequestContext, _ scope: PolicyScopeType) async throws -> Response {
        let principal = try context.requirePrincipal(scope: Scope.keysAdmin)
        let record = try await policies.archive(
            principal, orgID: try context.orgParameter(), scope: scope, scopeID: scope == .org ? nil : try context.pathParameter("scopeId")
        )
        return APIResponse.json(Self.json(record))
    }

    private func deleteGroup(_ context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal(scope: Scope.keysAdmin)
        try await policies.deleteGroup(principal, orgID: try context.orgParameter(), groupID: try context.pathParameter("groupId"))
        return Response(status: .noContent)
    }

    private func createGroup(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal(scope: Scope.keysAdmin)
        let body = try await JSONBody.object(request, limit: bodyLimit)
        guard let name = try body.string("name") else { throw RegistryError.invalidRequest("name is required") }
        var precedence = 100
        if let value = body["precedence"] {
            guard case .int(let number) = value, let exact = Int(exactly: number) else {
                throw RegistryError.invalidRequest("precedence must be an integer")
            }
            precedence = exact
        }
        let group = try await policies.createGroup(principal, orgID: try context.orgParameter(), name: name, precedence: precedence)
        return APIResponse.json(Self.json(group), status: .created)
    }

    private func member(_ context: AppRequestContext, present: Bool) async throws -> Response {
        let principal = try context.requirePrincipal(scope: Scope.keysAdmin)
        try await policies.setMember(
            principal, orgID: try context.orgParameter(), groupID: try context.pathParameter("groupId"),
            agentID: try context.pathParameter("agentId"), present: present
        )
        return Response(status: .noContent)
    }

    // MARK: Reads (any member)

    private func active(_ context: AppRequestContext, _ scope: PolicyScopeType) async throws -> Response {
        let principal = try context.requirePrincipal()
        let record = try await policies.active(
            principal, orgID: try context.orgParameter(), scope: scope, scopeID: scope == .org ? nil : try context.pathParameter("scopeId")
        )
        return APIResponse.json(Self.json(record))
    }

    private func history(_ context: AppRequestContext, _ scope: PolicyScopeType) async throws -> Response {
        let principal = try context.requirePrincipal()
        let records = try await policies.history(
            principal, orgID: try context.orgParameter(), scope: scope, scopeID: scope == .org ? nil : try context.pathParameter("scopeId")
        )
        return APIResponse.json(.array(records.map(Self.json)))
    }

    private func proposals(_ context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        return APIResponse.json(.array(try await policies.proposals(principal, orgID: try context.orgParameter()).map(Self.json)))
    }

    private func resolved(_ context: AppRequestContext, lineage: Bool) async throws -> Response {
        let principal = try context.requirePrincipal()
        let (policy, sources) = try await policies.resolved(
            principal, orgID: try context.orgParameter(), agentID: try context.pathParameter("scopeId")
        )
        return APIResponse.json(lineage ? sources.json : policy.json)
    }

    private func groups(_ context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        return APIResponse.json(.array(try await policies.groups(principal, orgID: try context.orgParameter()).map(Self.json)))
    }

    /// One decision input, or `{"inputs": [...]}` (up to 1000) for several.
    private func simulate(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let body = try await JSONBody.value(request, limit: bodyLimit)
        guard case .object(let object) = body else { throw RegistryError.invalidRequest("the body must be a decision input object") }
        let orgID = try context.orgParameter()
        if let batch = object["inputs"] {
            guard case .array(let inputs) = batch, inputs.count <= 1000 else {
                throw RegistryError.invalidRequest("inputs must be an array of at most 1000 decision inputs")
            }
            let results = try await policies.simulate(principal, orgID: orgID, inputs: inputs)
            return APIResponse.json([
                "revision": .string(results.first?.revision ?? ""),
                "results": .array(results.map { $0.decision.json }),
            ])
        }
        guard let result = try await policies.simulate(principal, orgID: orgID, inputs: [body]).first else {
            throw RegistryError(.internalError, "no simulation result")
        }
        return APIResponse.json(.object(Self.answer(result)))
    }

    /// One simulated decision with the lineage and bundle revision it was evaluated against.
    private static func answer(_ result: PolicySimulation) -> [String: JSONValue] {
        var answer = result.decision.members
        answer["lineage"] = result.lineage.json
        answer["revision"] = .string(result.revision)
        return answer
    }

    /// One decision input with the agent as its subject, answered as capiscio's `policy-api.md` shows
    /// (`decision_id`, `ttl`), plus the lineage and bundle revision it was evaluated against.
    private func simulateAgent(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let body = try await JSONBody.value(request, limit: bodyLimit)
        let result = try await policies.simulate(
            principal, orgID: try context.orgParameter(), agentID: try context.pathParameter("scopeId"), input: body
        )
        var answer = Self.answer(result)
        answer["decision_id"] = .string("sim-" + UUID().uuidString.lowercased())
        answer["ttl"] = .int(Self.simulationTTL)
        return APIResponse.json(.object(answer))
    }

    /// How long a simulated decision may be cached, as the PDP's decisions (seconds).
    static let simulationTTL: Int64 = 300

    // MARK: SDK and PDP

    private func policyContext(_ context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let snapshot = try await policies.context(principal)
        let agents: [JSONValue] = snapshot.agents.map { entry in
            [
                "id": .string(entry.agent.id), "name": .string(entry.agent.name), "did": .optional(entry.agent.did),
                "trust_level": .string(PolicyTrustLevel(input: entry.agent.trustLevel)?.name ?? entry.agent.trustLevel),
                "group_ids": .array(entry.groupIDs.map(JSONValue.string)),
            ]
        }
        return APIResponse.json([
            "org_id": .string(snapshot.orgID),
            "agents": .array(agents),
            "groups": .array(snapshot.groups.map { ["id": .string($0.id), "name": .string($0.name), "precedence": .int(Int64($0.precedence))] }),
            "active_policies": .array(snapshot.active.map {
                ["id": .string($0.id), "scope_type": .string($0.scopeType.rawValue), "version": .int(Int64($0.version)), "yaml_content": .string($0.yamlContent)]
            }),
            "pending_proposals": .array(snapshot.proposals.map(Self.json)),
        ])
    }

    private func bundle(_ context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let bundle = try await policies.bundle(principal, orgID: try context.pathParameter("orgId"))
        return APIResponse.json(serialized: bundle.serialized)
    }

    private func signedBundle(_ context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let token = try await policies.signedBundle(principal)
        var response = Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: token)))
        response.headers[.contentType] = "application/jwt"
        return response
    }

    // MARK: JSON

    static func json(_ record: PolicyRecord) -> JSONValue {
        [
            "id": .string(record.id), "org_id": .string(record.orgID), "scope_type": .string(record.scopeType.rawValue),
            "scope_id": .string(record.scopeID), "state": .string(record.state.rawValue), "version": .int(Int64(record.version)),
            "yaml_content": .string(record.yamlContent), "schema_version": "1", "content_hash": .string(record.contentHash),
            "created_by": .string(record.createdBy), "approved_by": .optional(record.state == .rejected ? nil : record.decidedBy),
            "rejected_by": .optional(record.state == .rejected ? record.decidedBy : nil), "reject_reason": .optional(record.rejectReason),
            "created_at": .time(record.createdAt), "updated_at": .time(record.updatedAt),
        ]
    }

    static func json(_ group: PolicyGroup) -> JSONValue {
        [
            "id": .string(group.id), "org_id": .string(group.orgID), "name": .string(group.name),
            "precedence": .int(Int64(group.precedence)), "created_at": .time(group.createdAt),
        ]
    }
}

extension AppRequestContext {
    /// The organisation id of `/v1/orgs/{id}/…` (named `id` as the organisation routes name it).
    fileprivate func orgParameter() throws -> String { try pathParameter("id") }
}
