/// Compact JWS serialization (RFC 7515 §7.1).
public enum JWS {
    /// base64url(serialized header): compute once per key and reuse with
    /// ``sign(headerSegment:payload:signer:)`` on hot paths.
    public static func headerSegment(_ header: JSONValue) -> String {
        Base64URL.encode(header.serialized())
    }

    /// Signs `payload` under `header` and returns `header.payload.signature`.
    public static func sign(header: JSONValue, payload: JSONValue, signer: some JWSSigner) async throws -> String {
        try await sign(headerSegment: headerSegment(header), payload: payload.serialized(), signer: signer)
    }

    /// Fast path: a pre-encoded header segment and already-serialized payload JSON bytes.
    ///
    /// The signing input and the token are built in a single byte buffer, so the payload is
    /// base64url-encoded exactly once.
    public static func sign(headerSegment: String, payload: [UInt8], signer: some JWSSigner) async throws -> String {
        var token: [UInt8] = []
        token.reserveCapacity(headerSegment.utf8.count + 1 + Base64URL.encodedLength(payload.count) + 87)
        token.append(contentsOf: headerSegment.utf8)
        token.append(UInt8(ascii: "."))
        payload.withUnsafeBufferPointer { Base64URL.encode($0, into: &token) }
        let signature = try await signer.sign(token)
        token.append(UInt8(ascii: "."))
        signature.withUnsafeBufferPointer { Base64URL.encode($0, into: &token) }
        return String(decoding: token, as: UTF8.self)
    }
}
