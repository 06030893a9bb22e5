import Testing
@testable import BadgeCore

struct BadgeClaimsTests {
    @Test("json has the RFC-002 §4 shape")
    func shape() {
        var claims = Fixture.ial1Claims(level: .domainValidated)
        claims.aud = ["https://api.example.invalid"]
        claims.agentCardHash = "sha256:abc"
        let json = claims.json
        #expect(json["aud"] == ["https://api.example.invalid"])
        #expect(json["cnf"] == ["kid": .string(Fixture.agentVM)])
        #expect(json["key"] == Fixture.agent.publicKey.json)
        #expect(json["ial"] == "1")
        #expect(json["pop_challenge_id"] == "ch-8e2f0b7a")
        #expect(json["agent_card_hash"] == "sha256:abc")
        #expect(json["did_doc_hash"] == nil)
        #expect(json["nbf"] == nil)
        #expect(json["vc"] == [
            "type": ["VerifiableCredential", "AgentIdentity"],
            "credentialSubject": ["level": "2", "domain": "agent.acme.invalid", "issuance_profile": "registered"],
        ])
    }

    @Test("empty or nil aud and nil cnf are omitted")
    func omissions() {
        var claims = Fixture.claims()
        #expect(claims.json["aud"] == nil)
        claims.aud = []
        #expect(claims.json["aud"] == nil)
        #expect(claims.json["cnf"] == nil)
    }

    @Test("round trips through init(json:)")
    func roundTrip() throws {
        var claims = Fixture.ial1Claims(level: .extended)
        claims.aud = ["a", "b"]
        claims.nbf = Fixture.now
        claims.didDocHash = "sha256:x"
        #expect(try BadgeClaims(json: claims.json) == claims)
        #expect(try BadgeClaims(json: Fixture.claims().json) == Fixture.claims())
    }

    static let invalidEdits: [[String: JSONValue?]] = [
        ["jti": nil], ["jti": ""], ["iss": 1], ["sub": nil], ["sub": "not-a-did"], ["iat": nil], ["iat": "1772619390"],
        ["iat": 1772619390.5], ["exp": nil], ["nbf": "0"], ["ial": nil], ["ial": "2"], ["ial": 0], ["vc": nil],
        ["vc": ["type": ["VerifiableCredential"], "credentialSubject": ["level": "1"]]],
        ["vc": ["type": "VerifiableCredential AgentIdentity", "credentialSubject": ["level": "1"]]],
        ["vc": ["type": ["VerifiableCredential", "AgentIdentity"]]],
        ["vc": ["type": ["VerifiableCredential", "AgentIdentity"], "credentialSubject": ["level": 1]]],
        ["vc": ["type": ["VerifiableCredential", "AgentIdentity"], "credentialSubject": ["level": "5"]]],
        ["vc": ["type": ["VerifiableCredential", "AgentIdentity"], "credentialSubject": [:]]],
        ["vc": ["type": ["VerifiableCredential", "AgentIdentity"], "credentialSubject": ["level": "1", "domain": 3]]],
        ["aud": "x"], ["aud": [1]], ["key": "x"], ["key": ["kty": "RSA", "n": "AQAB"]],
        ["key": RFC8037.privateJWK], ["cnf": "x"], ["cnf": ["jkt": "abc"]], ["pop_challenge_id": 5],
    ]

    @Test("structural violations → BADGE_CLAIMS_INVALID", arguments: invalidEdits)
    func invalid(_ edit: [String: JSONValue?]) {
        let error = #expect(throws: BadgeVerificationError.self) {
            try BadgeClaims(json: Fixture.edit(Fixture.claims().json, edit))
        }
        #expect(error?.code == .claimsInvalid)
    }

    @Test("unknown claims and credentialSubject fields are ignored")
    func extensibility() throws {
        var json = Fixture.edit(Fixture.claims().json, ["x-extra": ["a": 1]])
        json = Fixture.edit(json, ["vc": [
            "type": ["AgentIdentity", "VerifiableCredential", "Other"],
            "credentialSubject": ["level": "1", "note": "informational"],
        ]])
        #expect(try BadgeClaims(json: json).level == .registered)
    }
}

struct TrustLevelTests {
    @Test("ordering follows precedence and raw values are the wire strings")
    func ordering() {
        #expect(TrustLevel.allCases.map(\.rawValue) == ["0", "1", "2", "3", "4"])
        #expect(TrustLevel.allCases.sorted() == TrustLevel.allCases)
        #expect(TrustLevel.domainValidated >= .registered)
        #expect(TrustLevel.selfSigned < .extended)
    }

    @Test("lenient parse accepts strings and integers only")
    func lenient() {
        #expect(TrustLevel(lenient: "2") == .domainValidated)
        #expect(TrustLevel(lenient: 3) == .organizationValidated)
        #expect(TrustLevel(lenient: 5) == nil)
        #expect(TrustLevel(lenient: "02") == nil)
        #expect(TrustLevel(lenient: 2.0) == nil)
        #expect(TrustLevel(lenient: nil) == nil)
    }
}
