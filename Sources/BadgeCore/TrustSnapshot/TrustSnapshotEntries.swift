/// A CA public key a valid badge may carry, as listed in a snapshot's `keys`.
public struct SnapshotKey: Sendable, Hashable {
    /// Rotation state of the key.
    public enum State: String, Sendable, Hashable, CaseIterable {
        /// The key the CA signs new badges with.
        case active
        /// A former key that still verifies badges until ``SnapshotKey/until`` (when given).
        case retiring
    }

    /// The `kid` badges carry in their header.
    public var kid: String
    /// Active or retiring.
    public var state: State
    /// For a retiring key, the Unix time after which no badge it signed is valid; `nil` when the
    /// issuer gives no bound.
    public var until: Int64?
    /// The public key.
    public var key: PublicJWK

    /// Creates an entry.
    public init(kid: String, state: State, until: Int64? = nil, key: PublicJWK) {
        self.kid = kid
        self.state = state
        self.until = until
        self.key = key
    }

    /// Whether a badge signed by this key may still be accepted at `now`: active keys always,
    /// retiring keys until `until`.
    public func usable(at now: Int64) -> Bool {
        switch state {
        case .active: true
        case .retiring: until.map { now < $0 } ?? true
        }
    }

    /// `{"kid","state","until"?,"jwk"}`; the JWK carries `kid`, `alg` and `use` as a JWKS would.
    public var json: JSONValue {
        var members: [String: JSONValue] = [
            "kid": .string(kid), "state": .string(state.rawValue), "jwk": key.json(kid: kid, alg: true, use: true),
        ]
        if let until { members["until"] = .int(until) }
        return .object(members)
    }

    /// Reads an entry; a `jwk` whose own `kid` differs from the entry's is refused.
    public init(json: JSONValue) throws(TrustSnapshotError) {
        let fields = try SnapshotFields(json, "keys entry")
        kid = try fields.string("kid")
        guard let state = State(rawValue: try fields.string("state")) else {
            throw .invalid("keys entry state must be active or retiring")
        }
        self.state = state
        until = try fields.optionalInt("until")
        guard let jwk = json["jwk"] else { throw .invalid("keys entry has no jwk") }
        guard !PublicJWK.containsPrivateMembers(jwk) else { throw .invalid("keys entry jwk holds private members") }
        if let inner = jwk["kid"], inner != .string(kid) { throw .invalid("keys entry jwk kid differs from kid") }
        do {
            key = try PublicJWK(json: jwk)
        } catch {
            throw .invalid("keys entry jwk: \(error.message)")
        }
    }
}

/// A revoked, unexpired badge, as listed in a snapshot's `revoked`.
public struct RevokedBadge: Sendable, Hashable {
    /// The badge's `jti`.
    public var jti: String
    /// The badge's own `exp`: after it the entry may drop out.
    public var exp: Int64
    /// When it was revoked (Unix seconds).
    public var revokedAt: Int64
    /// Why, when the revoker said.
    public var reason: String?

    /// Creates an entry.
    public init(jti: String, exp: Int64, revokedAt: Int64, reason: String? = nil) {
        self.jti = jti
        self.exp = exp
        self.revokedAt = revokedAt
        self.reason = reason
    }

    /// `{"jti","exp","revoked_at","reason"?}`.
    public var json: JSONValue {
        var members: [String: JSONValue] = ["jti": .string(jti), "exp": .int(exp), "revoked_at": .int(revokedAt)]
        if let reason { members["reason"] = .string(reason) }
        return .object(members)
    }

    /// Reads an entry.
    public init(json: JSONValue) throws(TrustSnapshotError) {
        let fields = try SnapshotFields(json, "revoked entry")
        jti = try fields.string("jti")
        exp = try fields.int("exp")
        revokedAt = try fields.int("revoked_at")
        reason = try fields.optionalString("reason")
    }
}

/// A disabled or deleted agent or server DID that still has unexpired badges (`inactive`).
public struct InactiveSubject: Sendable, Hashable {
    /// Why the subject is inactive.
    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// Disabled (may be enabled again, which removes the entry).
        case disabled
        /// Deleted.
        case deleted
    }

    /// The agent's or server's DID (a badge's `sub`).
    public var did: String
    /// Disabled or deleted.
    public var status: Status
    /// Since when (Unix seconds).
    public var since: Int64

    /// Creates an entry.
    public init(did: String, status: Status, since: Int64) {
        self.did = did
        self.status = status
        self.since = since
    }

    /// `{"did","status","since"}`.
    public var json: JSONValue {
        ["did": .string(did), "status": .string(status.rawValue), "since": .int(since)]
    }

    /// Reads an entry.
    public init(json: JSONValue) throws(TrustSnapshotError) {
        let fields = try SnapshotFields(json, "inactive entry")
        did = try fields.string("did")
        guard let status = Status(rawValue: try fields.string("status")) else {
            throw .invalid("inactive entry status must be disabled or deleted")
        }
        self.status = status
        since = try fields.int("since")
    }
}

/// Typed member access over a snapshot JSON object; every failure is `SNAPSHOT_INVALID`.
struct SnapshotFields {
    let members: [String: JSONValue]
    let context: String

    init(_ json: JSONValue, _ context: String) throws(TrustSnapshotError) {
        guard let members = json.objectValue else { throw .invalid("\(context) must be an object") }
        self.members = members
        self.context = context
    }

    func string(_ name: String) throws(TrustSnapshotError) -> String {
        guard let value = members[name]?.stringValue, !value.isEmpty else {
            throw .invalid("\(context): \(name) must be a non-empty string")
        }
        return value
    }

    func optionalString(_ name: String) throws(TrustSnapshotError) -> String? {
        guard let value = members[name] else { return nil }
        guard let text = value.stringValue else { throw .invalid("\(context): \(name) must be a string") }
        return text
    }

    func int(_ name: String) throws(TrustSnapshotError) -> Int64 {
        guard let value = members[name]?.intValue else { throw .invalid("\(context): \(name) must be an integer") }
        return value
    }

    func optionalInt(_ name: String) throws(TrustSnapshotError) -> Int64? {
        guard let value = members[name] else { return nil }
        guard let number = value.intValue else { throw .invalid("\(context): \(name) must be an integer") }
        return number
    }

    /// A non-negative integer (`sequence`, `since`).
    func unsigned(_ name: String) throws(TrustSnapshotError) -> UInt64 {
        guard let value = members[name]?.intValue, value >= 0 else {
            throw .invalid("\(context): \(name) must be a non-negative integer")
        }
        return UInt64(value)
    }

    func array(_ name: String) throws(TrustSnapshotError) -> [JSONValue] {
        guard let value = members[name]?.arrayValue else { throw .invalid("\(context): \(name) must be an array") }
        return value
    }

    /// Decodes every element of array `name`, refusing two entries with the same id: a list
    /// with duplicates has no single meaning, and replicas must produce equal bytes.
    func entries<Entry>(
        _ name: String, decode: (JSONValue) throws(TrustSnapshotError) -> Entry,
        id: (Entry) -> String
    ) throws(TrustSnapshotError) -> [Entry] {
        var seen = Set<String>()
        var result: [Entry] = []
        for element in try array(name) {
            let entry = try decode(element)
            guard seen.insert(id(entry)).inserted else { throw .invalid("\(context): \(name) lists \(id(entry)) twice") }
            result.append(entry)
        }
        return result
    }
}
