import Crypto

/// One entry of the badge transparency log: canonical JSON (sorted keys, no whitespace) naming
/// a credential the CA signed, with the SHA-256 of its compact JWS.
public struct LogEntry: Sendable, Equatable {
    /// What was signed.
    public enum Kind: String, Sendable {
        case badge
        case dvGrant = "dv_grant"
    }

    public let kind: Kind
    public let jti: String
    public let iss: String
    public let sub: String
    public let kid: String
    public let level: String?
    public let ial: String?
    public let iat: Int64
    public let exp: Int64
    /// Lower-case hex SHA-256 of the compact JWS.
    public let sha256: String

    public init(kind: Kind, jti: String, iss: String, sub: String, kid: String, level: String?, ial: String?, iat: Int64, exp: Int64, token: String) {
        self.kind = kind
        self.jti = jti
        self.iss = iss
        self.sub = sub
        self.kid = kid
        self.level = level
        self.ial = ial
        self.iat = iat
        self.exp = exp
        self.sha256 = Base16.encode(SHA256.hash(data: Array(token.utf8)))
    }

    /// The entry's bytes in the log.
    public var bytes: [UInt8] {
        var members: [String: JSONValue] = [
            "type": .string(kind.rawValue), "jti": .string(jti), "iss": .string(iss), "sub": .string(sub),
            "kid": .string(kid), "iat": .int(iat), "exp": .int(exp), "sha256": .string(sha256),
        ]
        if let level { members["level"] = .string(level) }
        if let ial { members["ial"] = .string(ial) }
        return JSONValue.object(members).serialized()
    }
}
