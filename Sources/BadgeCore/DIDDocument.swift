/// A verification method in a DID document.
public struct VerificationMethod: Sendable, Hashable {
    /// Absolute DID URL of the method (relative `#frag` ids are resolved against the document id).
    public let id: String
    /// Method type, e.g. `Ed25519VerificationKey2020` or `JsonWebKey2020`.
    public let type: String
    /// Controller DID.
    public let controller: String
    /// The Ed25519 key from `publicKeyMultibase` or `publicKeyJwk`; `nil` for other key kinds.
    public let publicKey: PublicJWK?

    /// Creates an Ed25519 method (the only kind BadgeCore emits).
    public init(id: String, type: String = "Ed25519VerificationKey2020", controller: String, publicKey: PublicJWK?) {
        self.id = id
        self.type = type
        self.controller = controller
        self.publicKey = publicKey
    }

    /// `{id, type, controller, publicKeyMultibase?}`.
    public func json() -> JSONValue {
        var members: [String: JSONValue] = ["id": .string(id), "type": .string(type), "controller": .string(controller)]
        if let publicKey { members["publicKeyMultibase"] = .string(publicKey.multibase) }
        return .object(members)
    }
}

/// The subset of a W3C DID document BadgeCore needs: keys and their verification relationships.
public struct DIDDocument: Sendable, Hashable {
    /// JSON-LD contexts emitted by ``json()``.
    public static let contexts: [String] = [
        "https://www.w3.org/ns/did/v1", "https://w3id.org/security/suites/ed25519-2020/v1",
    ]

    /// The DID the document describes.
    public let id: String
    /// All verification methods, including those embedded in relationship arrays.
    public let verificationMethods: [VerificationMethod]
    /// Method ids usable for authentication.
    public let authentication: [String]
    /// Method ids usable for assertions.
    public let assertionMethod: [String]
    /// `service` entries, kept verbatim.
    public let services: [JSONValue]

    /// Creates a document from parts.
    public init(
        id: String, verificationMethods: [VerificationMethod], authentication: [String] = [],
        assertionMethod: [String] = [], services: [JSONValue] = []
    ) {
        self.id = id
        self.verificationMethods = verificationMethods
        self.authentication = authentication
        self.assertionMethod = assertionMethod
        self.services = services
    }

    /// Reads a resolved DID document.
    ///
    /// `id` must be a DID and every method `id` a string. Relationship entries may be references or
    /// embedded methods; embedded ones are also added to ``verificationMethods``. Keys in
    /// formats other than Ed25519 multibase/JWK leave ``VerificationMethod/publicKey`` `nil`
    /// instead of failing, because documents legitimately carry other key types.
    public init(json: JSONValue) throws(BadgeCoreError) {
        // A DID, as DID Core requires: relative `#fragment` references resolve against it, which
        // for an id that is itself a fragment would not be stable (found by the jwk fuzz target).
        guard let id = json["id"]?.stringValue, id.hasPrefix("did:") else { throw Self.invalid("id must be a DID") }
        var methods: [VerificationMethod] = []
        if let list = json["verificationMethod"] {
            guard let entries = list.arrayValue else { throw Self.invalid("verificationMethod must be an array") }
            for entry in entries { methods.append(try Self.method(entry, documentID: id)) }
        }
        func relationship(_ name: String) throws(BadgeCoreError) -> [String] {
            guard let list = json[name] else { return [] }
            guard let entries = list.arrayValue else { throw Self.invalid("\(name) must be an array") }
            var ids: [String] = []
            for entry in entries {
                if let reference = entry.stringValue {
                    ids.append(Self.absolute(reference, documentID: id))
                } else {
                    let embedded = try Self.method(entry, documentID: id)
                    methods.append(embedded)
                    ids.append(embedded.id)
                }
            }
            return ids
        }
        authentication = try relationship("authentication")
        assertionMethod = try relationship("assertionMethod")
        guard let services = json["service"]?.arrayValue ?? (json["service"] == nil ? [] : nil) else {
            throw Self.invalid("service must be an array")
        }
        self.id = id
        self.services = services
        verificationMethods = methods
    }

    /// The method whose (absolute) id is `id`.
    public func method(withID id: String) -> VerificationMethod? {
        let target = Self.absolute(id, documentID: self.id)
        return verificationMethods.first { $0.id == target }
    }

    /// Whether `id` is listed under `authentication`.
    public func isAuthentication(_ id: String) -> Bool {
        authentication.contains(Self.absolute(id, documentID: self.id))
    }

    /// Whether `id` is listed under `assertionMethod`.
    public func isAssertionMethod(_ id: String) -> Bool {
        assertionMethod.contains(Self.absolute(id, documentID: self.id))
    }

    /// The document with the Ed25519-2020 contexts and `publicKeyMultibase` keys; empty
    /// relationship and service arrays are omitted.
    public func json() -> JSONValue {
        var members: [String: JSONValue] = [
            "@context": .array(Self.contexts.map(JSONValue.string)),
            "id": .string(id),
            "verificationMethod": .array(verificationMethods.map { $0.json() }),
            // Always present, empty when there is no key: clients read these arrays unconditionally.
            "authentication": .array(authentication.map(JSONValue.string)),
            "assertionMethod": .array(assertionMethod.map(JSONValue.string)),
        ]
        if !services.isEmpty { members["service"] = .array(services) }
        return .object(members)
    }

    private static func method(_ json: JSONValue, documentID: String) throws(BadgeCoreError) -> VerificationMethod {
        guard case .object = json, let id = json["id"]?.stringValue, !id.isEmpty else {
            throw invalid("verification method id must be a string")
        }
        var key: PublicJWK?
        if let multibase = json["publicKeyMultibase"]?.stringValue {
            key = try? PublicJWK(multibase: multibase)
        } else if let jwk = json["publicKeyJwk"] {
            key = try? PublicJWK(json: jwk)
        }
        return VerificationMethod(
            id: absolute(id, documentID: documentID),
            type: json["type"]?.stringValue ?? "",
            controller: json["controller"]?.stringValue ?? documentID,
            publicKey: key)
    }

    /// Resolves a relative `#fragment` reference against the document id.
    private static func absolute(_ id: String, documentID: String) -> String {
        id.hasPrefix("#") ? documentID + id : id
    }

    private static func invalid(_ message: String) -> BadgeCoreError {
        BadgeCoreError(.invalidDIDDocument, message)
    }
}
