/// Verifies trust badges following RFC-002 §8.1 and CONTRACT §6.1, step by step and in order.
public struct BadgeVerifier: Sendable {
    /// With no `kid` in the header, at most this many issuer keys are tried, bounding the number
    /// of signature verifications an attacker can trigger per token.
    public static let maxKeysWithoutKID = 5

    /// Issuer keys for registry-issued badges; decides which HTTPS issuers are trusted.
    public var keyResolver: any BadgeKeyResolver
    /// `did:key` issuers whose self-signed level-0 badges are accepted. Empty by default:
    /// production verifiers should not accept self-signed badges (RFC-002 §5).
    public var trustedSelfSignedIssuers: Set<String>
    /// Tolerance in seconds for `exp`, `iat` and `nbf` (RFC-002 §8.1 step 6).
    public var clockSkew: Int64
    /// Whether a missing `key` claim is rejected (RFC-002 §8.1 step 3h); disable only for
    /// non-production testing.
    public var requireKeyClaim: Bool
    /// DID resolution for the IAL-1 `cnf.kid` binding; without it IAL-1 badges are rejected.
    public var didResolver: (any DIDResolving)?
    /// Revocation and agent status; `nil` skips those steps (e.g. an offline verifier).
    public var statusChecker: (any BadgeStatusChecking)?

    /// Configures a verifier.
    public init(
        keyResolver: any BadgeKeyResolver, trustedSelfSignedIssuers: Set<String> = [], clockSkew: Int64 = 60,
        requireKeyClaim: Bool = true, didResolver: (any DIDResolving)? = nil,
        statusChecker: (any BadgeStatusChecking)? = nil
    ) {
        self.keyResolver = keyResolver
        self.trustedSelfSignedIssuers = trustedSelfSignedIssuers
        self.clockSkew = clockSkew
        self.requireKeyClaim = requireKeyClaim
        self.didResolver = didResolver
        self.statusChecker = statusChecker
    }

    /// Verifies `token` at Unix time `now`.
    ///
    /// `audience` is the verifier's identity; when given and the badge carries `aud`, it must be
    /// listed. Returns the verified claims or throws the first failing step's error.
    public func verify(_ token: String, now: Int64, audience: String?) async throws(BadgeVerificationError)
        -> BadgeClaims
    {
        // Steps 1–2: split and decode without trusting anything.
        let jws: CompactJWS
        do {
            jws = try CompactJWS.parse(token)
        } catch {
            throw BadgeVerificationError(.malformed, error.message)
        }

        // Step 3: structure.
        guard jws.header["alg"]?.stringValue == "EdDSA" else {
            throw BadgeVerificationError(.claimsInvalid, "header alg must be EdDSA")
        }
        guard jws.header["typ"]?.stringValue == "JWT" else {
            throw BadgeVerificationError(.claimsInvalid, "header typ must be JWT")
        }
        let claims = try BadgeClaims(json: jws.payload)
        if requireKeyClaim && claims.key == nil {
            throw BadgeVerificationError(.claimsInvalid, "key claim is required")
        }

        // Step 4: issuer trust and key selection.
        let selfSigned = claims.iss.hasPrefix("did:key:")
        let candidates = try await issuerKeys(claims: claims, kid: jws.header["kid"]?.stringValue, selfSigned: selfSigned)

        // Step 5: signature.
        guard candidates.contains(where: { jws.verify(with: $0) }) else {
            throw BadgeVerificationError(.signatureInvalid, "signature does not verify under the issuer's keys")
        }

        // Steps 6–9 judge a payload whose signature verified: failures say so.
        do throws(BadgeVerificationError) {
            // Step 6: validity window and audience.
            guard claims.exp > now - clockSkew else {
                throw BadgeVerificationError(.expired, "badge expired at \(claims.exp)")
            }
            guard claims.iat <= now + clockSkew else {
                throw BadgeVerificationError(.notYetValid, "badge issued in the future (iat \(claims.iat))")
            }
            if let nbf = claims.nbf, nbf > now + clockSkew {
                throw BadgeVerificationError(.notYetValid, "badge not valid before \(nbf)")
            }
            if let audience, let aud = claims.aud, !aud.contains(audience) {
                throw BadgeVerificationError(.audienceMismatch, "audience \(audience) not in aud")
            }

            // Step 7: IAL-1 key binding.
            if claims.ial == "1" { try await checkKeyBinding(claims) }

            // Steps 8–9: registry state; self-signed badges are not tracked by any registry.
            if !selfSigned, let statusChecker { try await checkStatus(claims, with: statusChecker) }
        } catch {
            var failure = error
            failure.signatureVerified = true
            throw failure
        }

        return claims
    }

    private func issuerKeys(claims: BadgeClaims, kid: String?, selfSigned: Bool) async throws(BadgeVerificationError)
        -> [PublicJWK]
    {
        if selfSigned {
            guard trustedSelfSignedIssuers.contains(claims.iss) else {
                throw BadgeVerificationError(.issuerUntrusted, "self-signed issuer \(claims.iss) is not trusted")
            }
            // RFC-002 §4.3.1/§5: a self-signed badge asserts only its own key, at level 0.
            guard claims.iss == claims.sub else {
                throw BadgeVerificationError(.claimsInvalid, "self-signed badge requires iss == sub")
            }
            guard claims.level == .selfSigned else {
                throw BadgeVerificationError(.claimsInvalid, "self-signed badge must be level \"0\"")
            }
            do {
                return [try DIDKey.publicKey(fromDID: claims.iss)]
            } catch {
                throw BadgeVerificationError(.claimsInvalid, "issuer did:key: \(error.message)")
            }
        }
        let keys: [PublicJWK]
        do {
            keys = try await keyResolver.keys(issuer: claims.iss, kid: kid)
        } catch {
            throw BadgeVerificationError(.issuerUntrusted, "issuer keys unavailable: \(error)")
        }
        guard !keys.isEmpty else {
            throw BadgeVerificationError(.issuerUntrusted, "issuer \(claims.iss) is not trusted or has no key \(kid ?? "")")
        }
        return Array(keys.prefix(Self.maxKeysWithoutKID))
    }

    private func checkKeyBinding(_ claims: BadgeClaims) async throws(BadgeVerificationError) {
        // BadgeClaims guarantees cnf.kid for ial "1".
        guard let kid = claims.cnfKID else { throw BadgeVerificationError(.claimsInvalid, "ial \"1\" requires cnf") }
        guard let key = claims.key else {
            throw BadgeVerificationError(.claimsInvalid, "ial \"1\" requires a key claim to bind")
        }
        guard let didResolver else {
            throw BadgeVerificationError(.claimsInvalid, "no DID resolver configured for the ial \"1\" binding check")
        }
        let document: DIDDocument
        do {
            document = try await didResolver.resolve(claims.sub)
        } catch {
            throw BadgeVerificationError(.claimsInvalid, "cannot resolve DID document of sub: \(error)")
        }
        guard let method = document.method(withID: kid) else {
            throw BadgeVerificationError(.claimsInvalid, "cnf.kid is not a verification method of sub")
        }
        guard method.publicKey == key else {
            throw BadgeVerificationError(.claimsInvalid, "cnf.kid key does not match the key claim")
        }
    }

    private func checkStatus(_ claims: BadgeClaims, with checker: any BadgeStatusChecking)
        async throws(BadgeVerificationError)
    {
        let revoked: Bool, active: Bool
        do {
            revoked = try await checker.isRevoked(jti: claims.jti)
        } catch {
            throw BadgeVerificationError(.revocationCheckFailed, "revocation status unavailable: \(error)")
        }
        if revoked { throw BadgeVerificationError(.revoked, "badge \(claims.jti) is revoked") }
        do {
            active = try await checker.isAgentActive(sub: claims.sub)
        } catch {
            throw BadgeVerificationError(.revocationCheckFailed, "agent status unavailable: \(error)")
        }
        if !active { throw BadgeVerificationError(.agentDisabled, "agent \(claims.sub) is not active") }
    }
}
