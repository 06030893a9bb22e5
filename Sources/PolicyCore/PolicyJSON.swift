import BadgeCore

extension ResolvedRule {
    /// The rule as bundle data and API answers carry it; `keyName` is `pattern`, `tool` or `class`
    /// (nil for a policy's top level).
    public func json(keyName: String?) -> [String: JSONValue] {
        var object: [String: JSONValue] = [
            "min_trust_level": .string(minTrustLevel?.name ?? ""),
            "allowed_dids": .array(allowedDIDs.map(JSONValue.string)),
            "restrict_to_allowed": .bool(restrictToAllowed),
            "denied_dids": .array(deniedDIDs.map(JSONValue.string)),
        ]
        if let keyName { object[keyName] = .string(key) }
        return object
    }
}

extension ResolvedPolicy {
    /// The resolved policy in the shape the bundle's Rego reads (`data.config`,
    /// `data.resolved_policies.by_agent_did[did]`).
    public var json: JSONValue {
        var object = base.json(keyName: nil)
        object["rate_limits"] = .array(rateLimits.map { ["did": .string($0.did), "rpm": .int(Int64($0.rpm))] })
        object["operations"] = .array(operations.map { .object($0.json(keyName: "pattern")) })
        object["mcp_tools"] = .array(mcpTools.map { .object($0.json(keyName: "tool")) })
        object["capability_classes"] = .array(capabilityClasses.map { .object($0.json(keyName: "class")) })
        return .object(object)
    }
}

extension PolicyLineage {
    /// `{"sources": [{scope_type, scope_id, policy_id, version}], "fields": {path: [scope]}}`.
    public var json: JSONValue {
        let sources: [JSONValue] = sources.map { policy in
            var object: [String: JSONValue] = [
                "scope_type": .string(policy.scope.type),
                "policy_id": .string(policy.policyID),
                "version": .int(Int64(policy.version)),
            ]
            switch policy.scope {
            case .org: object["scope_id"] = .null
            case .group(let id), .agent(let id): object["scope_id"] = .string(id)
            }
            return .object(object)
        }
        return ["sources": .array(sources), "fields": .object(fields.mapValues { .array($0.map(JSONValue.string)) })]
    }
}
