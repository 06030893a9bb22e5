import BadgeCore
import Foundation

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

    /// A host name (or IPv4 literal): lower-cased, no scheme, path or wildcard; a port only for
    /// MCP servers, which capiscio-mcp names as `host[:port]`.
    static func domain(_ value: String?, kind: AgentKind = .agent) throws -> String? {
        guard var domain = value?.trimmingCharacters(in: .whitespaces).lowercased(), !domain.isEmpty else { return nil }
        var port = ""
        if kind == .mcpServer, let colon = domain.lastIndex(of: ":") {
            port = String(domain[colon...])
            guard let number = Int(port.dropFirst()), (1...65535).contains(number), port.count <= 6 else {
                throw RegistryError.invalidRequest("domain must be host[:port] with a port from 1 to 65535")
            }
            domain = String(domain[..<colon])
        }
        if domain.hasSuffix(".") { domain.removeLast() }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        let valid = domain.count <= 253 && labels.allSatisfy { label in
            (1...63).contains(label.count) && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
        guard valid else {
            throw RegistryError.invalidRequest("domain must be a host name such as agent.example.com (no scheme, port or path)")
        }
        return domain + port
    }

    /// The host of a validated `host[:port]` domain (what domain validation and badges name).
    static func host(_ domain: String) -> String {
        domain.split(separator: ":", maxSplits: 1).first.map(String.init) ?? domain
    }

    /// Where an MCP server is reached: an absolute http(s) URL.
    static func url(_ value: String?) throws -> String? {
        guard let value, !value.isEmpty else { return nil }
        let lower = value.lowercased()
        guard value.utf8.count <= 2048, lower.hasPrefix("https://") || lower.hasPrefix("http://"), URL(string: value)?.host != nil,
              !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == " " })
        else {
            throw RegistryError.invalidRequest("url must be an absolute http(s) URL of at most 2048 characters")
        }
        return value
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

    /// An Ed25519 public key: a JWK object, a JWK serialised to a JSON string, or a PEM
    /// SubjectPublicKeyInfo (what capiscio-mcp sends). Private keys are refused rather than
    /// dropped: a client that sends its private key must learn that it leaked it.
    static func publicKey(_ value: JSONValue?) throws -> PublicJWK? {
        guard let value else { return nil }
        var jwk = value
        if case .string(let text) = value, text.contains("-----BEGIN") {
            if PublicJWK.isPrivateKeyPEM(text) {
                throw RegistryError(.invalidPublicKey, "publicKey is a PEM private key; send only the public key")
            }
            do {
                return try PublicJWK(pem: text)
            } catch {
                throw RegistryError(.invalidPublicKey, "publicKey must be an Ed25519 public key (\(error.message))")
            }
        }
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
