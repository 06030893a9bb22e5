/// Turns a parsed YAML tree into a ``PolicyDocument``, with the checks of capiscio's schema
/// (`pkg/policy/config.go` in capiscio-core): version "1", known trust levels, DIDs that start
/// with `did:` and appear once, no DID both allowed and denied, positive `rpm`, non-empty rule
/// names. Unknown fields are refused rather than ignored, so a misspelt `denied_did` cannot
/// silently drop a denial.
enum PolicyDocumentDecoder {
    private static let topLevelFields: Set<String> = [
        "version", "min_trust_level", "allowed_dids", "denied_dids", "rate_limits", "operations", "mcp_tools", "capability_classes",
    ]

    static func decode(_ root: YAMLNode) throws(PolicyDocumentError) -> PolicyDocument {
        guard case .mapping(let entries, _) = root else {
            throw PolicyDocumentError(line: root.line, "a policy document must be a mapping")
        }
        var fields: [String: YAMLNode] = [:]
        for (key, value) in entries {
            guard topLevelFields.contains(key) else { throw PolicyDocumentError(line: value.line, field: key, "unknown field") }
            fields[key] = value
        }
        guard let versionNode = fields["version"] else {
            throw PolicyDocumentError(line: root.line, field: "version", "is required and must be \"1\"")
        }
        guard try string(versionNode, field: "version") == "1" else {
            throw PolicyDocumentError(line: versionNode.line, field: "version", "must be \"1\"")
        }
        var document = PolicyDocument()
        document.base = try rule(fields, key: "", field: "")
        document.rateLimits = try rateLimits(fields["rate_limits"])
        document.operations = try rules(fields["operations"], field: "operations", keyField: "pattern")
        document.mcpTools = try rules(fields["mcp_tools"], field: "mcp_tools", keyField: "tool")
        document.capabilityClasses = try rules(fields["capability_classes"], field: "capability_classes", keyField: "class")
        for (index, rule) in document.capabilityClasses.enumerated() where !isCapabilityClass(rule.key) {
            let node = try elements(fields["capability_classes"], field: "capability_classes")[index]
            throw PolicyDocumentError(line: node.line, field: "capability_classes[\(index)].class",
                                      "must be dot-separated lowercase words (letters, digits, _), e.g. invoice_management.read")
        }
        return document
    }

    // MARK: Rules

    /// The trust level and DID lists of a rule mapping (or the top level, when `field` is empty).
    private static func rule(_ fields: [String: YAMLNode], key: String, field: String) throws(PolicyDocumentError) -> PolicyRule {
        let prefix = field.isEmpty ? "" : field + "."
        var rule = PolicyRule(key: key)
        if let node = fields["min_trust_level"] {
            let name = try string(node, field: prefix + "min_trust_level")
            if !name.isEmpty {
                guard let level = PolicyTrustLevel(name: name) else {
                    throw PolicyDocumentError(line: node.line, field: prefix + "min_trust_level",
                                              "must be one of SS, REG, DV, OV, EV or empty (got \"\(name.prefix(40))\")")
                }
                rule.minTrustLevel = level
            }
        }
        rule.allowedDIDs = try dids(fields["allowed_dids"], field: prefix + "allowed_dids")
        rule.deniedDIDs = try dids(fields["denied_dids"], field: prefix + "denied_dids")
        let allowed = Set(rule.allowedDIDs)
        if let both = rule.deniedDIDs.first(where: allowed.contains), let node = fields["denied_dids"] {
            throw PolicyDocumentError(line: node.line, field: prefix + "denied_dids", "DID \"\(both)\" is also in allowed_dids")
        }
        return rule
    }

    private static func rules(_ node: YAMLNode?, field: String, keyField: String) throws(PolicyDocumentError) -> [PolicyRule] {
        let allowedFields: Set<String> = [keyField, "min_trust_level", "allowed_dids", "denied_dids"]
        var result: [PolicyRule] = []
        var seen: Set<String> = []
        for (index, element) in try elements(node, field: field).enumerated() {
            let path = "\(field)[\(index)]"
            let fields = try mapping(element, field: path, allowed: allowedFields)
            guard let keyNode = fields[keyField] else {
                throw PolicyDocumentError(line: element.line, field: "\(path).\(keyField)", "is required")
            }
            let key = try string(keyNode, field: "\(path).\(keyField)")
            guard !key.isEmpty else { throw PolicyDocumentError(line: keyNode.line, field: "\(path).\(keyField)", "must not be empty") }
            // Printable ASCII only: Swift compares strings by canonical equivalence, Rego by bytes.
            guard key.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
                throw PolicyDocumentError(line: keyNode.line, field: "\(path).\(keyField)", "must be printable ASCII")
            }
            guard seen.insert(key).inserted else {
                throw PolicyDocumentError(line: keyNode.line, field: "\(path).\(keyField)", "duplicate \(keyField) \"\(key)\"")
            }
            result.append(try rule(fields, key: key, field: path))
        }
        return result
    }

    private static func rateLimits(_ node: YAMLNode?) throws(PolicyDocumentError) -> [RateLimitRule] {
        var result: [RateLimitRule] = []
        var seen: Set<String> = []
        for (index, element) in try elements(node, field: "rate_limits").enumerated() {
            let path = "rate_limits[\(index)]"
            let fields = try mapping(element, field: path, allowed: ["did", "rpm"])
            guard let didNode = fields["did"] else { throw PolicyDocumentError(line: element.line, field: "\(path).did", "is required") }
            let did = try self.did(didNode, field: "\(path).did")
            guard seen.insert(did).inserted else {
                throw PolicyDocumentError(line: didNode.line, field: "\(path).did", "duplicate DID \"\(did)\"")
            }
            guard let rpmNode = fields["rpm"] else { throw PolicyDocumentError(line: element.line, field: "\(path).rpm", "is required") }
            guard case .scalar(let text, false, _) = rpmNode, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  let rpm = Int(text), rpm > 0, rpm <= PolicyDocument.maxRPM
            else {
                throw PolicyDocumentError(line: rpmNode.line, field: "\(path).rpm", "must be a positive integer up to \(PolicyDocument.maxRPM)")
            }
            result.append(RateLimitRule(did: did, rpm: rpm))
        }
        return result
    }

    // MARK: Values

    private static func elements(_ node: YAMLNode?, field: String) throws(PolicyDocumentError) -> [YAMLNode] {
        guard let node, !node.isNull else { return [] }
        guard case .sequence(let items, _) = node else { throw PolicyDocumentError(line: node.line, field: field, "must be a list") }
        return items
    }

    private static func mapping(_ node: YAMLNode, field: String, allowed: Set<String>) throws(PolicyDocumentError) -> [String: YAMLNode] {
        guard case .mapping(let entries, _) = node else { throw PolicyDocumentError(line: node.line, field: field, "must be a mapping") }
        var fields: [String: YAMLNode] = [:]
        for (key, value) in entries {
            guard allowed.contains(key) else { throw PolicyDocumentError(line: value.line, field: "\(field).\(key)", "unknown field") }
            fields[key] = value
        }
        return fields
    }

    /// A scalar as text (null is the empty string); collections are refused.
    private static func string(_ node: YAMLNode, field: String) throws(PolicyDocumentError) -> String {
        guard case .scalar(let text, _, _) = node else { throw PolicyDocumentError(line: node.line, field: field, "must be a string") }
        if node.isNull { return "" }
        guard text.utf8.count <= PolicyDocument.maxNameBytes else {
            throw PolicyDocumentError(line: node.line, field: field, "is longer than \(PolicyDocument.maxNameBytes) bytes")
        }
        return text
    }

    private static func did(_ node: YAMLNode, field: String) throws(PolicyDocumentError) -> String {
        let text = try string(node, field: field)
        // DIDs are ASCII (W3C DID syntax), so every engine compares them the same way.
        guard text.hasPrefix("did:"), text.utf8.count > 4, text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw PolicyDocumentError(line: node.line, field: field, "invalid DID \"\(text.prefix(60))\" (must start with did: and be printable ASCII)")
        }
        return text
    }

    private static func dids(_ node: YAMLNode?, field: String) throws(PolicyDocumentError) -> [String] {
        var result: [String] = []
        var seen: Set<String> = []
        for (index, element) in try elements(node, field: field).enumerated() {
            let did = try self.did(element, field: "\(field)[\(index)]")
            guard seen.insert(did).inserted else {
                throw PolicyDocumentError(line: element.line, field: "\(field)[\(index)]", "duplicate DID \"\(did)\"")
            }
            result.append(did)
        }
        return result
    }

    /// RFC-008 §7.1 capability class names: dot-separated words of lowercase letters, digits and `_`.
    private static func isCapabilityClass(_ name: String) -> Bool {
        name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { word in
            !word.isEmpty && word.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
        }
    }
}
