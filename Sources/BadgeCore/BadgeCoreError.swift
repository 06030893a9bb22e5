/// The error thrown by BadgeCore's parsing, key and signing APIs.
///
/// `code` is a stable machine-readable identifier that callers may map to HTTP errors; `message`
/// is a human-readable detail for logs and is not part of the contract.
public struct BadgeCoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable machine codes. Raw values never change once published.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// Input is not valid JSON under the strict RFC 8259 parser.
        case malformedJSON = "json_malformed"
        /// A JWK is structurally invalid or not an OKP/Ed25519 key.
        case invalidJWK = "jwk_invalid"
        /// Raw key material has the wrong length or the private key does not match its public key.
        case invalidKey = "key_invalid"
        /// A DID string is syntactically invalid or uses an unsupported encoding.
        case invalidDID = "did_invalid"
        /// A DID document is structurally invalid.
        case invalidDIDDocument = "did_document_invalid"
        /// A compact JWS is not three base64url segments with JSON-object header and payload.
        case malformedJWS = "jws_malformed"
        /// The signing backend failed.
        case signingFailed = "signing_failed"
    }

    /// Stable machine-readable code.
    public let code: Code
    /// Human-readable detail; wording may change between releases.
    public let message: String

    /// Creates an error with a code and a detail message.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `"<code>: <message>"`.
    public var description: String { "\(code.rawValue): \(message)" }
}

/// Errors raised by ``CompactJWS/parse(_:)``; they always carry ``BadgeCoreError/Code/malformedJWS``.
public typealias JWSError = BadgeCoreError
