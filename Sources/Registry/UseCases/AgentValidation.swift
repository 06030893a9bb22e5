import BadgeCore

/// Field rules for agents. Each failure is a 400 naming the field.
enum AgentValidation {
    static func name(_ value: String) throws -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(trimmed.count), !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw RegistryError.invalidRequest("name must be 1–200 printable characters")
        }
        return trimmed
    }

    static func description(_ value: String?) throws -> String? {
        guard let value else { return nil }
        guard value.count <= 2000 else { throw RegistryError.invalidRequest("description must be at most 2000 characters") }
        return value
    }

    static func `protocol`(_ value: String?) throws -> String? {
        guard let value else { return nil }
        guard (1...50).contains(value.count), value.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw RegistryError.invalidRequest("protocol must be 1–50 letters, digits, '-', '_' or '.'")
        }
        return value.lowercased()
    }

    /// A host name (or IPv4 literal): lower-cased, no scheme, port, path or wildcard.
    static func domain(_ value: String?) throws -> String? {
        guard var domain = value?.trimmingCharacters(in: .whitespaces).lowercased(), !domain.isEmpty else { return nil }
        if domain.hasSuffix(".") { domain.removeLast() }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        let valid = domain.count <= 253 && labels.allSatisfy { label in
            (1...63).contains(label.count) && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
        guard valid else {
            throw RegistryError.invalidRequest("domain must be a host name such as agent.example.com (no scheme, port or path)")
        }
        return domain
    }

    /// Any syntactically valid DID; a `did:key` must hold an Ed25519 key.
    static func did(_ value: String?) throws -> String? {
        guard let value else { return nil }
        do {
            let did = try DID.parse(value)
            if did.method == "key" { _ = try DIDKey.publicKey(fromDID: value) }
            return did.string
        } catch {
            throw RegistryError(.invalidDID, "did is not a valid DID (\(error.message))")
        }
    }

    /// An Ed25519 public JWK. Private members are refused rather than dropped: a client that sends
    /// its private key must learn that it leaked it.
    static func publicKey(_ value: JSONValue?) throws -> PublicJWK? {
        guard let value else { return nil }
        var jwk = value
        if case .string(let text) = value {
            guard let parsed = try? JSONValue.parse(Array(text.utf8)) else {
                throw RegistryError(.invalidPublicKey, "publicKey string is not a JSON JWK")
            }
            jwk = parsed
        }
        guard case .object = jwk else {
            throw RegistryError(.invalidPublicKey, "publicKey must be a JWK object or its JSON string")
        }
        if PublicJWK.containsPrivateMembers(jwk) {
            throw RegistryError(.invalidPublicKey, "publicKey contains private key material (\"d\"); send only the public JWK")
        }
        do {
            return try PublicJWK(json: jwk)
        } catch {
            throw RegistryError(.invalidPublicKey, "publicKey must be an Ed25519 public JWK (\(error.message))")
        }
    }

    /// The key a `did:key` embeds must equal a separately supplied key.
    static func checkKeyMatchesDID(did: String?, key: PublicJWK?) throws {
        guard let did, let key, did.hasPrefix("did:key:"), let embedded = try? DIDKey.publicKey(fromDID: did) else { return }
        guard embedded == key else {
            throw RegistryError(.invalidPublicKey, "publicKey does not match the key inside the did:key")
        }
    }

    static func agentCard(_ value: JSONValue?) throws -> JSONValue? {
        guard let value else { return nil }
        guard case .object = value else { throw RegistryError.invalidRequest("agentCard must be a JSON object") }
        return value
    }

    /// Requested status: `enabled` is stored as `active`.
    static func status(_ value: String) throws -> AgentStatus {
        switch value.lowercased() {
        case "active", "enabled": return .active
        case "inactive": return .inactive
        case "disabled": return .disabled
        default: throw RegistryError.invalidRequest("status must be active, inactive, enabled or disabled")
        }
    }
}
