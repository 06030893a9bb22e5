import PolicyCore
import Testing

@Suite struct PolicyDocumentTests {
    private func parse(_ text: String) throws(PolicyDocumentError) -> PolicyDocument { try PolicyDocument.parse(Array(text.utf8)) }

    private func error(_ text: String) -> PolicyDocumentError? {
        do { _ = try parse(text); return nil } catch { return error }
    }

    @Test func parsesEverySection() throws {
        let document = try parse("""
        version: "1"
        min_trust_level: DV
        allowed_dids: [did:web:a.example]
        denied_dids:
          - did:web:bad.example
        rate_limits:
          - did: did:web:a.example
            rpm: 60
        operations:
          - pattern: "payment.*"
            min_trust_level: EV
            denied_dids: [did:web:c.example]
        mcp_tools:
          - tool: delete_file
            allowed_dids: [did:web:a.example]
        capability_classes:
          - class: invoice_management.read
            min_trust_level: OV
        """)
        #expect(document.base == PolicyRule(minTrustLevel: .DV, allowedDIDs: ["did:web:a.example"], deniedDIDs: ["did:web:bad.example"]))
        #expect(document.rateLimits == [RateLimitRule(did: "did:web:a.example", rpm: 60)])
        #expect(document.operations == [PolicyRule(key: "payment.*", minTrustLevel: .EV, deniedDIDs: ["did:web:c.example"])])
        #expect(document.mcpTools == [PolicyRule(key: "delete_file", allowedDIDs: ["did:web:a.example"])])
        #expect(document.capabilityClasses == [PolicyRule(key: "invoice_management.read", minTrustLevel: .OV)])
    }

    @Test func minimalDocumentAndUnquotedVersion() throws {
        #expect(try parse("version: 1\n") == PolicyDocument())
        #expect(try parse("version: \"1\"\nmin_trust_level: \"\"\ndenied_dids:\n") == PolicyDocument())
    }

    @Test(arguments: [
        ("min_trust_level: DV\n", 1, "version" as String?, "is required and must be \"1\""),
        ("version: \"2\"\n", 1, "version", "must be \"1\""),
        ("version: [1]\n", 1, "version", "must be a string"),
        ("version: \"1\"\nmin_trust_level: XX\n", 2, "min_trust_level", "must be one of SS, REG, DV, OV, EV or empty (got \"XX\")"),
        ("version: \"1\"\nmin_trust_lvl: DV\n", 2, "min_trust_lvl", "unknown field"),
        ("version: \"1\"\nallowed_dids: did:web:a\n", 2, "allowed_dids", "must be a list"),
        ("version: \"1\"\nallowed_dids: [web:a]\n", 2, "allowed_dids[0]", "invalid DID \"web:a\" (must start with did: and be printable ASCII)"),
        ("version: \"1\"\ndenied_dids:\n  - did:web:a\n  - did:web:a\n", 4, "denied_dids[1]", "duplicate DID \"did:web:a\""),
        ("version: \"1\"\nallowed_dids: [did:web:a]\ndenied_dids: [did:web:a]\n", 3, "denied_dids", "DID \"did:web:a\" is also in allowed_dids"),
        ("version: \"1\"\nrate_limits:\n  - did: did:web:a\n    rpm: 0\n", 4, "rate_limits[0].rpm", "must be a positive integer up to 1000000000"),
        ("version: \"1\"\nrate_limits:\n  - did: did:web:a\n    rpm: \"5\"\n", 4, "rate_limits[0].rpm", "must be a positive integer up to 1000000000"),
        ("version: \"1\"\nrate_limits:\n  - did: did:web:a\n    rpm: 1.5\n", 4, "rate_limits[0].rpm", "must be a positive integer up to 1000000000"),
        ("version: \"1\"\nrate_limits:\n  - did: did:web:a\n", 3, "rate_limits[0].rpm", "is required"),
        ("version: \"1\"\nrate_limits:\n  - rpm: 5\n", 3, "rate_limits[0].did", "is required"),
        ("version: \"1\"\nrate_limits:\n  - {did: did:web:a, rpm: 5}\n  - {did: did:web:a, rpm: 6}\n", 4, "rate_limits[1].did", "duplicate DID \"did:web:a\""),
        ("version: \"1\"\noperations:\n  - pattern: \"\"\n", 3, "operations[0].pattern", "must not be empty"),
        ("version: \"1\"\noperations:\n  - min_trust_level: DV\n", 3, "operations[0].pattern", "is required"),
        ("version: \"1\"\noperations:\n  - pattern: a\n  - pattern: a\n", 4, "operations[1].pattern", "duplicate pattern \"a\""),
        ("version: \"1\"\noperations:\n  - pattern: a\n    min_trust_level: ZZ\n", 4, "operations[0].min_trust_level", "must be one of SS, REG, DV, OV, EV or empty (got \"ZZ\")"),
        ("version: \"1\"\nmcp_tools:\n  - tool: t\n    allowed_dids: [did:x:1]\n    denied_dids: [did:x:1]\n", 5, "mcp_tools[0].denied_dids", "DID \"did:x:1\" is also in allowed_dids"),
        ("version: \"1\"\nmcp_tools:\n  - tool: \"caf\\u00e9\"\n", 3, "mcp_tools[0].tool", "must be printable ASCII"),
        ("version: \"1\"\nmcp_tools:\n  - tool: t\n    extra: 1\n", 4, "mcp_tools[0].extra", "unknown field"),
        ("version: \"1\"\ncapability_classes:\n  - class: Invoice\n", 3, "capability_classes[0].class", "must be dot-separated lowercase words (letters, digits, _), e.g. invoice_management.read"),
        ("version: \"1\"\ncapability_classes:\n  - class: a..b\n", 3, "capability_classes[0].class", "must be dot-separated lowercase words (letters, digits, _), e.g. invoice_management.read"),
        ("version: \"1\"\noperations: [x]\n", 2, "operations[0]", "must be a mapping"),
        ("- version\n", 1, nil, "a policy document must be a mapping"),
    ])
    func refuses(text: String, line: Int, field: String?, message: String) {
        let failure = error(text)
        #expect(failure == PolicyDocumentError(line: line, field: field, message), "\(text)")
    }

    @Test func errorDescriptionNamesLineAndField() {
        #expect(PolicyDocumentError(line: 4, field: "rate_limits[0].rpm", "must be positive").description == "line 4: rate_limits[0].rpm: must be positive")
    }
}
