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
        self.sha256 = Base16.sha256(of: token)
    }

    /// The entry's bytes in the log.
    ///
    /// The members are written in their sorted order directly, not through a dictionary sorted
    /// at write time: this runs for every badge issued, and the sort and hashing cost more than
    /// the rest of the entry. The bytes are those of the entry's `JSONValue` object (a test holds
    /// the two together).
    public var bytes: [UInt8] {
        var members: [(key: String, value: JSONValue)] = [("exp", .int(exp))]
        if let ial { members.append(("ial", .string(ial))) }
        members += [("iat", .int(iat)), ("iss", .string(iss)), ("jti", .string(jti)), ("kid", .string(kid))]
        if let level { members.append(("level", .string(level))) }
        members += [("sha256", .string(sha256)), ("sub", .string(sub)), ("type", .string(kind.rawValue))]
        var writer = JSONWriter(jcsIntegers: false)
        writer.writeObject(sortedMembers: members)
        return writer.out
    }
}
