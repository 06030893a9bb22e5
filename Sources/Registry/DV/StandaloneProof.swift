import BadgeCore

/// Rules shared by the proofs of possession that authenticate grant status/revoke and mint
/// (CONTRACT.md §5.5): unlike RFC-003 proofs they answer no stored challenge, so freshness and
/// replay protection come from `iat`, `exp` and a remembered `jti`.
enum StandaloneProof {
    static func failed(_ message: String) -> RegistryError {
        RegistryError(.popVerificationFailed, message)
    }

    /// `typ: pop+jwt` and `alg: EdDSA`.
    static func checkHeader(_ jws: CompactJWS) throws {
        guard jws.header["typ"]?.stringValue == "pop+jwt", jws.header["alg"]?.stringValue == "EdDSA" else {
            throw failed("proof header must have typ pop+jwt and alg EdDSA")
        }
    }

    /// `aud` as a list, whether sent as one string or an array.
    static func audiences(_ value: JSONValue?) -> [String] {
        value?.arrayValue?.compactMap(\.stringValue) ?? value?.stringValue.map { [$0] } ?? []
    }

    /// `iat` within `skew` of now (both ways: without a lower bound an exp-less proof would be
    /// usable again once its jti is forgotten), `exp` if present in the future and ≤ `iat` + 60,
    /// and a `jti` never seen within max(120 s, lifetime) in `namespace`.
    static func checkFreshness(_ claims: JSONValue, now: Int64, skew: Int64, namespace: String, store: any ChallengeStore) async throws {
        guard let iat = claims["iat"]?.intValue, let jti = claims["jti"]?.stringValue, !jti.isEmpty, jti.utf8.count <= 200 else {
            throw failed("proof must carry iat and jti")
        }
        guard iat <= now + skew, iat >= now - skew else { throw failed("proof iat is not within \(skew) s of now") }
        var lifetime: Int64 = 0
        if let expValue = claims["exp"] {
            guard let exp = expValue.intValue, exp > now, exp <= iat + 60 else {
                throw failed("proof exp must be in the future and at most iat + 60")
            }
            lifetime = exp - iat
        }
        guard try await store.rememberProofJTI(namespace + jti, expiresAt: now + max(120, lifetime), now: now) else {
            throw failed("proof jti was already used")
        }
    }
}
