/// Every error code the registry sends on the wire, in one place, with the class of failure it
/// belongs to. The raw value is the wire string and never changes: clients match on it. Upper-case
/// codes are the ones RFC-002 and CONTRACT.md spell so (domain validation and minting).
public enum ErrorCode: String, Sendable, CaseIterable {
    // MARK: invalidInput
    case challengeFailed = "CHALLENGE_FAILED"
    case didDomainMismatch = "DID_DOMAIN_MISMATCH"
    case dvInvalidRequest = "INVALID_REQUEST"
    case grantExpired = "GRANT_EXPIRED"
    case grantInvalidAud = "GRANT_INVALID_AUD"
    case grantMissingIAT = "GRANT_MISSING_IAT"
    case invalidChallengeID = "invalid_challenge_id"
    case invalidDID = "invalid_did"
    case invalidDomain = "INVALID_DOMAIN"
    /// One event of a `POST /v1/events` batch that is not an event (reported per index).
    case invalidEvent = "invalid_event"
    case invalidGrant = "INVALID_GRANT"
    /// A value no input may hold (a NUL character), wherever it appears.
    case invalidInput = "invalid_input"
    case invalidJSON = "invalid_json"
    case invalidKey = "INVALID_KEY"
    /// An issuance request's `mode` is neither IAL-0 nor IAL-1.
    case invalidMode = "invalid_mode"
    case invalidPolicy = "invalid_policy"
    case invalidProof = "invalid_proof"
    case invalidProofHeader = "invalid_proof_header"
    case invalidProofSignature = "invalid_proof_signature"
    case invalidPublicKey = "invalid_public_key"
    case invalidRequest = "invalid_request"
    case invalidTrustLevel = "invalid_trust_level"
    case invalidTTL = "invalid_ttl"
    case keyMismatch = "KEY_MISMATCH"
    case missingCID = "missing_cid"
    case missingExp = "missing_exp"
    case orderExpired = "ORDER_EXPIRED"
    case orderInvalid = "ORDER_INVALID"
    case proposalNotPending = "proposal_not_pending"
    case unsupportedChallenge = "UNSUPPORTED_CHALLENGE"
    /// An ingested event's `agentId` is not an agent of the caller's organisation (per index).
    case unknownAgent = "unknown_agent"

    // MARK: unauthorized
    case grantSignatureInvalid = "GRANT_SIGNATURE_INVALID"
    case invalidSessionToken = "invalid_session_token"
    case invalidWebhookSignature = "invalid_webhook_signature"
    case popVerificationFailed = "POP_VERIFICATION_FAILED"
    case unauthorized = "unauthorized"
    case userDeleted = "user_deleted"

    // MARK: forbidden
    case agentDisabled = "agent_disabled"
    case agentNotOwned = "agent_not_owned"
    case agentSuspended = "agent_suspended"
    case audienceMismatch = "audience_mismatch"
    case challengeExpired = "challenge_expired"
    case challengeUsed = "challenge_used"
    case cidMismatch = "cid_mismatch"
    case domainNotVerified = "DOMAIN_NOT_VERIFIED"
    case expOutsideChallengeWindow = "exp_outside_challenge_window"
    case expTooLong = "exp_too_long"
    case forbidden = "FORBIDDEN"
    case grantRevoked = "GRANT_REVOKED"
    case htuMismatch = "htu_mismatch"
    case iatInvalid = "iat_invalid"
    case insufficientRole = "insufficient_role"
    case insufficientScope = "insufficient_scope"
    case keyNotInAuthentication = "key_not_in_authentication"
    case kidNotFound = "kid_not_found"
    case organizationDeleted = "organization_deleted"
    case proofExpired = "proof_expired"
    case proofReplayed = "proof_replayed"
    case proofVerificationFailed = "proof_verification_failed"
    case secondApproverRequired = "second_approver_required"
    case subjectMismatch = "subject_mismatch"
    case trustLevelNotPermitted = "trust_level_not_permitted"

    // MARK: notFound
    case agentNotFound = "agent_not_found"
    case badgeNotFound = "badge_not_found"
    case challengeNotFound = "challenge_not_found"
    case grantNotFound = "GRANT_NOT_FOUND"
    case notFound = "not_found"
    /// The badge's log entry is sequenced but not yet in a signed checkpoint (retry shortly).
    case notYetLogged = "not_yet_logged"
    case orderNotFound = "ORDER_NOT_FOUND"
    case organizationNotFound = "organization_not_found"
    case serverNotFound = "server_not_found"

    // MARK: conflict
    case agentKeyMissing = "agent_key_missing"
    case conflict = "conflict"
    case didInUse = "did_in_use"
    case domainClaimed = "DOMAIN_CLAIMED"
    case domainRequired = "domain_required"
    case grantAlreadyRevoked = "GRANT_ALREADY_REVOKED"
    case identityImmutable = "identity_immutable"
    case issuanceBasisStale = "issuance_basis_stale"
    case orderNotPending = "ORDER_NOT_PENDING"

    // MARK: tooLarge
    case payloadTooLarge = "payload_too_large"

    // MARK: methodNotAllowed
    case methodNotAllowed = "method_not_allowed"

    // MARK: unsupportedMediaType
    case unsupportedMediaType = "unsupported_media_type"

    // MARK: rateLimited
    case dvRateLimitExceeded = "RATE_LIMIT_EXCEEDED"
    case rateLimitExceeded = "rate_limit_exceeded"

    // MARK: badGateway
    case didDocumentInvalid = "did_document_invalid"
    case didResolutionFailed = "did_resolution_failed"
    case dvDIDResolutionFailed = "DID_RESOLUTION_FAILED"

    // MARK: unavailable
    case caKeyUnavailable = "ca_key_unavailable"
    case clerkWebhookNotConfigured = "clerk_webhook_not_configured"
    case sessionKeysUnavailable = "session_keys_unavailable"
    case validationUnavailable = "VALIDATION_UNAVAILABLE"

    // MARK: clientAborted
    case clientClosedRequest = "client_closed_request"

    // MARK: internal
    case internalError = "internal_error"

    /// The class of failure; decides the HTTP status at the edge.
    public var category: RegistryError.Category {
        switch self {
        case .challengeFailed, .didDomainMismatch, .dvInvalidRequest, .grantExpired, .grantInvalidAud, .grantMissingIAT,
            .invalidChallengeID, .invalidDID, .invalidDomain, .invalidEvent, .invalidGrant, .invalidInput, .invalidJSON, .invalidKey,
            .invalidMode, .invalidPolicy, .invalidProof, .proposalNotPending,
            .invalidProofHeader, .invalidProofSignature, .invalidPublicKey, .invalidRequest, .invalidTrustLevel, .invalidTTL, .keyMismatch,
            .missingCID, .missingExp, .orderExpired, .orderInvalid, .unknownAgent, .unsupportedChallenge:
            .invalidInput
        case .grantSignatureInvalid, .invalidSessionToken, .invalidWebhookSignature, .popVerificationFailed, .unauthorized,
            .userDeleted:
            .unauthorized
        case .agentDisabled, .agentNotOwned, .agentSuspended, .audienceMismatch, .challengeExpired, .challengeUsed, .cidMismatch,
            .domainNotVerified, .expOutsideChallengeWindow, .expTooLong, .forbidden, .grantRevoked, .htuMismatch, .iatInvalid,
            .insufficientRole, .insufficientScope, .keyNotInAuthentication, .kidNotFound, .organizationDeleted, .proofExpired,
            .proofReplayed, .proofVerificationFailed, .secondApproverRequired, .subjectMismatch, .trustLevelNotPermitted:
            .forbidden
        case .agentNotFound, .badgeNotFound, .challengeNotFound, .grantNotFound, .notFound, .notYetLogged, .orderNotFound,
            .organizationNotFound, .serverNotFound:
            .notFound
        case .agentKeyMissing, .conflict, .didInUse, .domainClaimed, .domainRequired, .grantAlreadyRevoked, .identityImmutable,
            .issuanceBasisStale, .orderNotPending:
            .conflict
        case .methodNotAllowed:
            .methodNotAllowed
        case .payloadTooLarge:
            .tooLarge
        case .unsupportedMediaType:
            .unsupportedMediaType
        case .dvRateLimitExceeded, .rateLimitExceeded:
            .rateLimited
        case .didDocumentInvalid, .didResolutionFailed, .dvDIDResolutionFailed:
            .badGateway
        case .caKeyUnavailable, .clerkWebhookNotConfigured, .sessionKeysUnavailable, .validationUnavailable:
            .unavailable
        case .clientClosedRequest:
            .clientAborted
        case .internalError:
            .internal
        }
    }
}
