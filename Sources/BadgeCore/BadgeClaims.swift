/// The payload of a trust badge (RFC-002 §4.3, CONTRACT §5.1).
public struct BadgeClaims: Sendable, Hashable {
    /// The two `vc.type` entries every badge must carry.
    public static let credentialTypes = ["VerifiableCredential", "AgentIdentity"]

    /// Badge id (UUID); key for status and revocation.
    public var jti: String
    /// Issuer: the CA's HTTPS origin, or the subject's `did:key` for self-signed badges.
    public var iss: String
    /// Subject DID.
    public var sub: String
    /// Audiences; emitted only when non-empty, and always as an array.
    public var aud: [String]?
    /// Issued-at, Unix seconds.
    public var iat: Int64
    /// Expiry, Unix seconds.
    public var exp: Int64
    /// Not-before, Unix seconds.
    public var nbf: Int64?
    /// Identity assurance level: `"0"` (account-attested) or `"1"` (proof of possession).
    public var ial: String
    /// The agent's public key (never the CA's).
    public var key: PublicJWK?
    /// `cnf.kid`: the DID URL of the key proven at IAL-1 issuance.
    public var cnfKID: String?
    /// `vc.credentialSubject.level`.
    public var level: TrustLevel
    /// `vc.credentialSubject.domain`.
    public var domain: String?
    /// `vc.credentialSubject.issuance_profile` (`registered`, `anonymous_dv`).
    public var issuanceProfile: String?
    /// `pop_challenge_id`: audit reference to the RFC-003 challenge.
    public var popChallengeID: String?
    /// `agent_card_hash` (`sha256:` + base64url).
    public var agentCardHash: String?
    /// `did_doc_hash` (`sha256:` + base64url).
    public var didDocHash: String?

    /// Creates claims; the caller is responsible for the IAL/`cnf` invariants when issuing.
    public init(
        jti: String, iss: String, sub: String, aud: [String]? = nil, iat: Int64, exp: Int64, nbf: Int64? = nil,
        ial: String = "0", key: PublicJWK? = nil, cnfKID: String? = nil, level: TrustLevel,
        domain: String? = nil, issuanceProfile: String? = nil, popChallengeID: String? = nil,
        agentCardHash: String? = nil, didDocHash: String? = nil
    ) {
        self.jti = jti
        self.iss = iss
        self.sub = sub
        self.aud = aud
        self.iat = iat
        self.exp = exp
        self.nbf = nbf
        self.ial = ial
        self.key = key
        self.cnfKID = cnfKID
        self.level = level
        self.domain = domain
        self.issuanceProfile = issuanceProfile
        self.popChallengeID = popChallengeID
        self.agentCardHash = agentCardHash
        self.didDocHash = didDocHash
    }

    /// The RFC-002 §4 payload object.
    public var json: JSONValue {
        var subject: [String: JSONValue] = ["level": .string(level.rawValue)]
        if let domain { subject["domain"] = .string(domain) }
        if let issuanceProfile { subject["issuance_profile"] = .string(issuanceProfile) }
        var members: [String: JSONValue] = [
            "jti": .string(jti), "iss": .string(iss), "sub": .string(sub),
            "iat": .int(iat), "exp": .int(exp), "ial": .string(ial),
            "vc": .object(["type": .array(Self.credentialTypes.map(JSONValue.string)), "credentialSubject": .object(subject)]),
        ]
        if let aud, !aud.isEmpty { members["aud"] = .array(aud.map(JSONValue.string)) }
        if let nbf { members["nbf"] = .int(nbf) }
        if let key { members["key"] = key.json }
        if let cnfKID { members["cnf"] = .object(["kid": .string(cnfKID)]) }
        if let popChallengeID { members["pop_challenge_id"] = .string(popChallengeID) }
        if let agentCardHash { members["agent_card_hash"] = .string(agentCardHash) }
        if let didDocHash { members["did_doc_hash"] = .string(didDocHash) }
        return .object(members)
    }

    /// Reads and structurally validates a badge payload (RFC-002 §8.1 step 3, CONTRACT §6.1
    /// step 3); every failure is `BADGE_CLAIMS_INVALID`.
    ///
    /// Checks: non-empty string `jti`/`iss`, `sub` a valid DID, integer `iat`/`exp` (and `nbf`
    /// if present), `ial` `"0"`/`"1"`, `vc.type` containing both credential types, a string
    /// `vc.credentialSubject.level` `"0"`–`"4"`, `aud` an array of strings, `key` a public
    /// Ed25519 JWK without private members, `cnf` an object with a string `kid`, `ial="1"` ⇔
    /// `cnf`, and no `ial="1"` at level `"0"`. Whether `key` is required is verifier policy.
    public init(json: JSONValue) throws(BadgeVerificationError) {
        func invalid(_ message: String) -> BadgeVerificationError { BadgeVerificationError(.claimsInvalid, message) }
        func requiredString(_ name: String) throws(BadgeVerificationError) -> String {
            guard let value = json[name]?.stringValue, !value.isEmpty else {
                throw invalid("\(name) must be a non-empty string")
            }
            return value
        }
        func optionalString(_ value: JSONValue?, _ name: String) throws(BadgeVerificationError) -> String? {
            guard let value else { return nil }
            guard let text = value.stringValue else { throw invalid("\(name) must be a string") }
            return text
        }
        func requiredInt(_ name: String) throws(BadgeVerificationError) -> Int64 {
            guard let value = json[name]?.intValue else { throw invalid("\(name) must be an integer") }
            return value
        }

        guard case .object = json else { throw invalid("payload must be an object") }
        jti = try requiredString("jti")
        iss = try requiredString("iss")
        sub = try requiredString("sub")
        guard (try? DID.parse(sub)) != nil else { throw invalid("sub must be a DID") }
        iat = try requiredInt("iat")
        exp = try requiredInt("exp")
        if let value = json["nbf"] {
            guard let number = value.intValue else { throw invalid("nbf must be an integer") }
            nbf = number
        } else {
            nbf = nil
        }
        ial = try requiredString("ial")
        guard ial == "0" || ial == "1" else { throw invalid("ial must be \"0\" or \"1\"") }

        guard let vc = json["vc"], case .object = vc else { throw invalid("vc must be an object") }
        guard let types = vc["type"]?.arrayValue,
            Self.credentialTypes.allSatisfy({ types.contains(.string($0)) })
        else { throw invalid("vc.type must contain VerifiableCredential and AgentIdentity") }
        guard let subject = vc["credentialSubject"], case .object = subject else {
            throw invalid("vc.credentialSubject must be an object")
        }
        guard let levelText = subject["level"]?.stringValue, let level = TrustLevel(rawValue: levelText) else {
            throw invalid("vc.credentialSubject.level must be a string \"0\"-\"4\"")
        }
        self.level = level
        domain = try optionalString(subject["domain"], "vc.credentialSubject.domain")
        issuanceProfile = try optionalString(subject["issuance_profile"], "vc.credentialSubject.issuance_profile")

        if let value = json["aud"] {
            guard let entries = value.arrayValue else { throw invalid("aud must be an array") }
            var audiences: [String] = []
            for entry in entries {
                guard let text = entry.stringValue else { throw invalid("aud entries must be strings") }
                audiences.append(text)
            }
            aud = audiences
        } else {
            aud = nil
        }

        if let value = json["key"] {
            // A private key in a bearer token is a leak, not a usable claim.
            guard !PublicJWK.containsPrivateMembers(value) else { throw invalid("key must not contain private members") }
            do {
                key = try PublicJWK(json: value)
            } catch {
                throw invalid("key must be an Ed25519 public JWK: \(error.message)")
            }
        } else {
            key = nil
        }

        if let cnf = json["cnf"] {
            guard let kid = cnf["kid"]?.stringValue, !kid.isEmpty else { throw invalid("cnf.kid must be a non-empty string") }
            cnfKID = kid
        } else {
            cnfKID = nil
        }
        if ial == "1" && cnfKID == nil { throw invalid("ial \"1\" requires cnf") }
        if ial == "0" && cnfKID != nil { throw invalid("ial \"0\" forbids cnf") }
        if level == .selfSigned && ial == "1" { throw invalid("level \"0\" badges cannot be ial \"1\"") }

        popChallengeID = try optionalString(json["pop_challenge_id"], "pop_challenge_id")
        agentCardHash = try optionalString(json["agent_card_hash"], "agent_card_hash")
        didDocHash = try optionalString(json["did_doc_hash"], "did_doc_hash")
    }
}
