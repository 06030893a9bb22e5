/// RFC-002 §8.5 badge error codes (plus `REVOCATION_CHECK_FAILED` from §7.5).
public enum BadgeErrorCode: String, Sendable, Hashable, CaseIterable {
    /// The token is not a parseable compact JWS with JSON header and payload.
    case malformed = "BADGE_MALFORMED"
    /// The signature does not verify under any of the issuer's keys.
    case signatureInvalid = "BADGE_SIGNATURE_INVALID"
    /// `exp` has passed (beyond clock skew).
    case expired = "BADGE_EXPIRED"
    /// `iat` or `nbf` is in the future (beyond clock skew).
    case notYetValid = "BADGE_NOT_YET_VALID"
    /// `iss` is not trusted or has no usable key.
    case issuerUntrusted = "BADGE_ISSUER_UNTRUSTED"
    /// The requested audience is not in `aud`.
    case audienceMismatch = "BADGE_AUDIENCE_MISMATCH"
    /// The `jti` has been revoked.
    case revoked = "BADGE_REVOKED"
    /// Required claims are missing or malformed, IAL/`cnf` rules are broken, or the IAL-1 key
    /// binding does not hold.
    case claimsInvalid = "BADGE_CLAIMS_INVALID"
    /// The subject agent is not active.
    case agentDisabled = "BADGE_AGENT_DISABLED"
    /// Revocation or agent status could not be determined; verification fails closed.
    case revocationCheckFailed = "REVOCATION_CHECK_FAILED"
}

/// Why a badge was rejected.
public struct BadgeVerificationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable machine code for API responses.
    public let code: BadgeErrorCode
    /// Human-readable detail; never contains the token itself (RFC-002 §9.2).
    public let message: String
    /// The signature verified under the issuer's keys before this check failed (RFC-002 §8.1
    /// steps 6–9: validity window, audience, key binding, revocation, agent status), so the
    /// payload is the issuer's own, complete claim set. False for every earlier failure.
    public internal(set) var signatureVerified: Bool

    /// Creates an error.
    public init(_ code: BadgeErrorCode, _ message: String, signatureVerified: Bool = false) {
        self.code = code
        self.message = message
        self.signatureVerified = signatureVerified
    }

    /// `"<CODE>: <message>"`.
    public var description: String { "\(code.rawValue): \(message)" }
}
