import Testing
@testable import BadgeCore

struct DIDSyntaxTests {
    @Test("parses method and method-specific id")
    func parse() throws {
        let did = try DID.parse("did:web:example.com:agents:a%20b")
        #expect(did.method == "web")
        #expect(did.methodSpecificID == "example.com:agents:a%20b")
        #expect(did.string == "did:web:example.com:agents:a%20b")
        #expect(try DID.parse("did:example:123456789abcdefghi").method == "example")
    }

    @Test("rejects invalid DIDs", arguments: [
        "", "did:", "did:web", "did:web:", "did:Web:example.com", "did:web:example.com:", "did::x",
        "dId:web:x", "did:web:exa mple.com", "did:web:example.com#frag", "did:web:example.com?q=1",
        "did:web:example.com/path", "did:web:bad%2", "did:web:bad%zz", "did:web:ü", "did:web:x\n", "did:we-b:x",
    ])
    func rejects(_ text: String) {
        let error = #expect(throws: BadgeCoreError.self) { try DID.parse(text) }
        #expect(error?.code == .invalidDID)
    }

    @Test("length cap")
    func lengthCap() throws {
        let prefix = "did:web:"
        #expect(try DID.parse(prefix + String(repeating: "a", count: DID.maxLength - prefix.count)).method == "web")
        #expect(throws: BadgeCoreError.self) { try DID.parse(prefix + String(repeating: "a", count: DID.maxLength)) }
    }
}

struct DIDKeyTests {
    static let vectors = [
        ("Lm_M42cB3HkUiODQsXRcweM6TByfzEHGO9ND274JcOY", "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"),
        ("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", "did:key:z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw"),
    ]

    @Test("CONTRACT §5.7 vectors: key → did:key", arguments: vectors)
    func keyToDID(_ x: String, _ did: String) throws {
        let key = try PublicJWK(rawKey: try #require(Base64URL.decode(x)))
        #expect(DIDKey.did(for: key) == did)
    }

    @Test("CONTRACT §5.7 vectors: did:key → key", arguments: vectors)
    func didToKey(_ x: String, _ did: String) throws {
        #expect(Base64URL.encode(try DIDKey.publicKey(fromDID: did).x) == x)
    }

    @Test("rejects wrong method, multibase, multicodec and lengths")
    func rejects() throws {
        let key = try #require(Base64URL.decode("Lm_M42cB3HkUiODQsXRcweM6TByfzEHGO9ND274JcOY"))
        let bad = [
            "did:web:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
            "did:key:6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",  // no z
            "did:key:u" + Base64URL.encode([0xED, 0x01] + key),  // base64url multibase
            "did:key:z" + Base58.encode([0xEC, 0x01] + key),  // X25519 multicodec
            "did:key:z" + Base58.encode([0xED, 0x02] + key),
            "did:key:z" + Base58.encode([0xED, 0x01] + key.dropLast()),  // 31 bytes
            "did:key:z" + Base58.encode([0xED, 0x01] + key + [0]),  // 33 bytes
            "did:key:z0OIl",  // not base58
            "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#frag",
        ]
        for did in bad {
            let error = #expect(throws: BadgeCoreError.self, "\(did)") { try DIDKey.publicKey(fromDID: did) }
            #expect(error?.code == .invalidDID)
        }
    }

    @Test("derived document has one Ed25519VerificationKey2020 method for auth and assertion")
    func document() throws {
        let did = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
        let vmID = did + "#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
        let doc = try DIDKey.document(for: did)
        #expect(doc.id == did)
        #expect(doc.verificationMethods.count == 1)
        let method = try #require(doc.method(withID: vmID))
        #expect(method.type == "Ed25519VerificationKey2020")
        #expect(method.controller == did)
        #expect(method.publicKey == (try DIDKey.publicKey(fromDID: did)))
        #expect(doc.authentication == [vmID])
        #expect(doc.assertionMethod == [vmID])
        #expect(doc.isAuthentication(vmID))
        let json = doc.json()
        #expect(json["@context"] == ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/suites/ed25519-2020/v1"])
        #expect(json["verificationMethod"]?.arrayValue?.first?["publicKeyMultibase"] == "z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK")
    }
}

struct DIDWebTests {
    @Test("did(host:port:path:) encodes the port as %3A and joins segments with ':'")
    func build() {
        #expect(DIDWeb.did(host: "example.com", port: nil, path: []) == "did:web:example.com")
        #expect(DIDWeb.did(host: "localhost", port: 8080, path: ["agents", "a1"]) == "did:web:localhost%3A8080:agents:a1")
        #expect(DIDWeb.did(host: "example.com", port: nil, path: ["a:b", "c d"]) == "did:web:example.com:a%3Ab:c%20d")
    }

    @Test("parse decodes host once and splits the port")
    func parse() throws {
        let plain = try DIDWeb.parse("did:web:registry.example.com:agents:3f0c9a52")
        #expect(plain.host == "registry.example.com")
        #expect(plain.port == nil)
        #expect(plain.path == ["agents", "3f0c9a52"])
        let withPort = try DIDWeb.parse("did:web:localhost%3A8080:agents:x")
        #expect(withPort.host == "localhost")
        #expect(withPort.port == 8080)
        #expect(withPort.path == ["agents", "x"])
        let built = DIDWeb.did(host: "h.example", port: 8443, path: ["a:b", "c d"])
        let parsed = try DIDWeb.parse(built)
        #expect(parsed.host == "h.example")
        #expect(parsed.port == 8443)
        #expect(parsed.path == ["a:b", "c d"])
    }

    @Test("document URLs (CONTRACT §5.8)")
    func documentURL() throws {
        #expect(try DIDWeb.documentURL(for: "did:web:example.com") == "https://example.com/.well-known/did.json")
        #expect(try DIDWeb.documentURL(for: "did:web:example.com:a:b") == "https://example.com/a/b/did.json")
        #expect(try DIDWeb.documentURL(for: "did:web:registry.example.com:agents:id-1") == "https://registry.example.com/agents/id-1/did.json")
        #expect(try DIDWeb.documentURL(for: "did:web:localhost%3A8080:agents:x") == "https://localhost:8080/agents/x/did.json")
        #expect(try DIDWeb.documentURL(for: "did:web:example.com:a%20b") == "https://example.com/a%20b/did.json")
    }

    @Test("rejects unsafe or malformed did:web", arguments: [
        "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        "did:web:example.com::agents",  // empty segment
        "did:web:example.com:..",
        "did:web:example.com:%2E%2E",  // encoded traversal
        "did:web:example.com:a%2Fb",  // encoded slash
        "did:web:user%40example.com",  // userinfo
        "did:web:example.com%2Fevil",
        "did:web:example.com%3A",  // empty port
        "did:web:example.com%3A0",
        "did:web:example.com%3A70000",
        "did:web:example.com%3A80%3A81",
        "did:web:example.com%3Ax",
        "did:web:%2565xample.com",  // double encoding
        "did:web:.example.com",
        "did:web:exa_mple.com",
    ])
    func rejects(_ did: String) {
        let error = #expect(throws: BadgeCoreError.self) { try DIDWeb.parse(did) }
        #expect(error?.code == .invalidDID)
    }
}

struct DIDDocumentTests {
    static let key = PrivateJWK.generate(kid: "k").publicKey

    @Test("reads multibase and JWK keys, embedded and relative methods")
    func parse() throws {
        let did = "did:web:example.com:agents:a"
        let json: JSONValue = [
            "@context": ["https://www.w3.org/ns/did/v1"],
            "id": .string(did),
            "verificationMethod": [
                ["id": "#key-1", "type": "Ed25519VerificationKey2020", "controller": .string(did), "publicKeyMultibase": .string(Self.key.multibase)],
                ["id": .string(did + "#key-2"), "type": "JsonWebKey2020", "controller": .string(did), "publicKeyJwk": Self.key.json],
                ["id": .string(did + "#x25519"), "type": "X25519KeyAgreementKey2020", "controller": .string(did), "publicKeyMultibase": "z6LSbysY2xFMRpGMhb7tFTLMpeuPRaqaWM1yECx2AtzE3KCc"],
            ],
            "authentication": ["#key-1", ["id": .string(did + "#key-3"), "type": "Ed25519VerificationKey2020", "controller": .string(did), "publicKeyMultibase": .string(Self.key.multibase)]],
            "assertionMethod": [.string(did + "#key-2")],
            "service": [["id": "#agent", "type": "AgentService", "serviceEndpoint": "https://a.example/a2a"]],
        ]
        let doc = try DIDDocument(json: json)
        #expect(doc.id == did)
        #expect(doc.method(withID: did + "#key-1")?.publicKey == Self.key)
        #expect(doc.method(withID: "#key-1")?.publicKey == Self.key)
        #expect(doc.method(withID: did + "#key-2")?.publicKey == Self.key)
        #expect(doc.method(withID: did + "#x25519") != nil)
        #expect(doc.method(withID: did + "#x25519")?.publicKey == nil)
        #expect(doc.method(withID: did + "#key-3")?.publicKey == Self.key)
        #expect(doc.method(withID: did + "#nope") == nil)
        #expect(doc.authentication == [did + "#key-1", did + "#key-3"])
        #expect(doc.isAuthentication(did + "#key-3"))
        #expect(!doc.isAuthentication(did + "#key-2"))
        #expect(doc.isAssertionMethod(did + "#key-2"))
        #expect(doc.services.count == 1)
    }

    @Test("rejects non-string or non-DID ids and non-array lists", arguments: [
        ["verificationMethod": []],
        ["id": 5],
        // An id that is itself a fragment: relative references would resolve differently on each parse.
        ["id": "#id:web:example.com", "authentication": ["#k1"]],
        ["id": "example.com"],
        ["id": "did:web:x", "verificationMethod": [["type": "Ed25519VerificationKey2020"]]],
        ["id": "did:web:x", "verificationMethod": [["id": 1]]],
        ["id": "did:web:x", "verificationMethod": "nope"],
        ["id": "did:web:x", "authentication": [5]],
        ["id": "did:web:x", "service": "nope"],
    ] as [JSONValue])
    func rejects(_ json: JSONValue) {
        let error = #expect(throws: BadgeCoreError.self) { try DIDDocument(json: json) }
        #expect(error?.code == .invalidDIDDocument)
    }

    @Test("json() round trips through init(json:)")
    func roundTrip() throws {
        let did = "did:web:example.com:agents:a"
        let doc = DIDDocument(
            id: did,
            verificationMethods: [VerificationMethod(id: did + "#key-1", controller: did, publicKey: Self.key)],
            authentication: [did + "#key-1"],
            services: [["id": .string(did + "#agent"), "type": "AgentService", "serviceEndpoint": "https://a.example"]])
        let json = doc.json()
        #expect(json["assertionMethod"] == [])
        let reread = try DIDDocument(json: JSONValue.parse(json.serialized()))
        #expect(reread.verificationMethods == doc.verificationMethods)
        #expect(reread.authentication == doc.authentication)
        #expect(reread.services == doc.services)
    }
}
