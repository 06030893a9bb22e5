/// Storage port for the CA's public key states (private keys never reach the database).
public protocol CAKeyStore: Sendable {
    /// Every CA key, oldest first.
    func caKeys() async throws -> [CAKeyRecord]
    /// Adds a key. Throws `StoreError.uniqueViolation` when the kid exists.
    func insertCAKey(_ key: CAKeyRecord) async throws
}
