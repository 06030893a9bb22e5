/// A parsed, not yet verified, compact JWS.
public struct CompactJWS: Sendable {
    /// Upper bound on accepted token length; bounds parsing work on attacker input. Badges are
    /// well under 2 KiB.
    public static let maxTokenLength = 16 * 1024

    /// Decoded protected header (always a JSON object).
    public let header: JSONValue
    /// Decoded payload (always a JSON object).
    public let payload: JSONValue
    /// ASCII bytes of `headerSegment.payloadSegment`, the input the signature covers.
    public let signingInput: [UInt8]
    /// Raw signature bytes (never empty).
    public let signature: [UInt8]
    /// The first segment as received.
    public let headerSegment: String
    /// The second segment as received.
    public let payloadSegment: String

    /// Splits and decodes `token`.
    ///
    /// Requires exactly three non-empty base64url segments, JSON-object header and payload and
    /// no `crit` header (no extensions are understood, so RFC 7515 §4.1.11 says reject).
    /// `maxLength` defaults to ``maxTokenLength``; documents larger by design (trust snapshots)
    /// pass their own bound.
    public static func parse(_ token: String, maxLength: Int = maxTokenLength) throws(JWSError) -> CompactJWS {
        let bytes = Array(token.utf8)
        guard bytes.count <= maxLength else { throw malformed("token exceeds \(maxLength) bytes") }
        let parts = bytes.split(separator: UInt8(ascii: "."), maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw malformed("expected 3 segments, got \(parts.count)") }
        guard !parts[0].isEmpty, !parts[1].isEmpty, !parts[2].isEmpty else { throw malformed("empty segment") }
        guard let headerBytes = decode(parts[0]), let payloadBytes = decode(parts[1]),
            let signature = decode(parts[2])
        else { throw malformed("segment is not base64url") }
        let header: JSONValue, payload: JSONValue
        do {
            header = try JSONValue.parse(headerBytes)
            payload = try JSONValue.parse(payloadBytes)
        } catch {
            throw malformed("segment is not JSON: \(error.message)")
        }
        guard case .object = header else { throw malformed("header is not a JSON object") }
        guard case .object = payload else { throw malformed("payload is not a JSON object") }
        guard header["crit"] == nil else { throw malformed("unsupported crit header") }
        return CompactJWS(
            header: header, payload: payload,
            signingInput: Array(bytes[..<parts[1].endIndex]), signature: signature,
            headerSegment: String(decoding: parts[0], as: UTF8.self),
            payloadSegment: String(decoding: parts[1], as: UTF8.self))
    }

    /// Whether the signature verifies under `key` (Ed25519).
    public func verify(with key: PublicJWK) -> Bool {
        key.verify(signature: signature, message: signingInput)
    }

    private static func decode(_ segment: ArraySlice<UInt8>) -> [UInt8]? {
        segment.withUnsafeBufferPointer { Base64URL.decode($0) }
    }

    private static func malformed(_ message: String) -> JWSError {
        JWSError(.malformedJWS, message)
    }
}
