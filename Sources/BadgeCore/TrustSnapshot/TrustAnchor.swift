/// What an offline verifier pins about one issuer: its badge keys and its snapshot keys.
///
/// JSON form `{"issuer","jwks":{"keys":[…]},"snapshot_keys":{"keys":[…]}}`, as written by
/// `insignia trust anchor` and read by `insignia verify --trust`.
public struct TrustAnchor: Sendable, Hashable {
    /// The issuer (`iss` of its badges and snapshots).
    public var issuer: String
    /// The badge keys (`/.well-known/jwks.json`); never accepted as snapshot keys.
    public var badgeKeys: [IssuerKey]
    /// The snapshot keys (`/v1/trust/snapshot-keys`); each has a `kid`.
    public var snapshotKeys: [IssuerKey]

    /// Creates an anchor.
    public init(issuer: String, badgeKeys: [IssuerKey], snapshotKeys: [IssuerKey]) {
        self.issuer = issuer
        self.badgeKeys = badgeKeys
        self.snapshotKeys = snapshotKeys
    }

    /// `{"issuer","jwks","snapshot_keys"}`, keys with `kid`, `alg` and `use` as in a JWKS.
    public var json: JSONValue {
        ["issuer": .string(issuer), "jwks": Self.jwks(badgeKeys), "snapshot_keys": Self.jwks(snapshotKeys)]
    }

    /// Reads an anchor. Refuses keys that are not Ed25519 public keys, a snapshot key without a
    /// `kid`, and a key that is both a badge key and a snapshot key.
    public init(json: JSONValue) throws(TrustSnapshotError) {
        let fields = try SnapshotFields(json, "trust anchor")
        issuer = try fields.string("issuer")
        badgeKeys = try Self.keys(fromJWKS: json["jwks"] ?? .null, "jwks")
        snapshotKeys = try Self.keys(fromJWKS: json["snapshot_keys"] ?? .null, "snapshot_keys")
        guard snapshotKeys.allSatisfy({ $0.kid != nil }) else { throw .invalid("trust anchor: every snapshot key needs a kid") }
        guard Set(badgeKeys.map(\.key)).isDisjoint(with: snapshotKeys.map(\.key)) else {
            throw .invalid("trust anchor: a key is both a badge key and a snapshot key")
        }
    }

    /// The keys of a JWKS object `{"keys":[…]}`; every entry must be a public Ed25519 JWK.
    public static func keys(fromJWKS jwks: JSONValue, _ name: String = "JWKS") throws(TrustSnapshotError) -> [IssuerKey] {
        guard let entries = jwks["keys"]?.arrayValue else { throw .invalid("\(name) must be an object with a keys array") }
        var keys: [IssuerKey] = []
        for entry in entries {
            guard !PublicJWK.containsPrivateMembers(entry) else { throw .invalid("\(name) holds private key material") }
            if let kid = entry["kid"], kid.stringValue == nil { throw .invalid("\(name): kid must be a string") }
            do {
                keys.append(IssuerKey(kid: entry["kid"]?.stringValue, key: try PublicJWK(json: entry)))
            } catch {
                throw .invalid("\(name): \(error.message)")
            }
        }
        return keys
    }

    /// `{"keys":[…]}`.
    public static func jwks(_ keys: [IssuerKey]) -> JSONValue {
        ["keys": .array(keys.map { $0.key.json(kid: $0.kid, alg: true, use: true) })]
    }
}
