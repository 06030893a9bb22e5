/// A CA key could not be loaded or stored.
///
/// `message` is one line naming the file or variable and the problem; it never contains key
/// material, so it is safe to log and to print at start-up.
public struct CAKeyError: Error, Sendable, CustomStringConvertible {
    /// One-line, key-free explanation, e.g. "CA_KEY_PATH ./keys/ca.jwk: not a private Ed25519 JWK".
    public let message: String

    /// Creates an error with a one-line message (callers must not put key material in it).
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
