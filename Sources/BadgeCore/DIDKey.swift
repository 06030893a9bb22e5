/// The `did:key` method for Ed25519 keys (RFC-002 §6.1, CONTRACT §5.7).
public enum DIDKey {
    /// `did:key:` + multibase(`0xED 0x01` ‖ key).
    public static func did(for key: PublicJWK) -> String {
        "did:key:" + key.multibase
    }

    /// Extracts the Ed25519 key from a `did:key`.
    ///
    /// Requires the `z` (base58btc) multibase prefix, exactly the `ed25519-pub` multicodec prefix
    /// and 32 key bytes; other key types are not supported by CapiscIO.
    public static func publicKey(fromDID did: String) throws(BadgeCoreError) -> PublicJWK {
        let parsed = try DID.parse(did)
        guard parsed.method == "key" else { throw BadgeCoreError(.invalidDID, "not a did:key") }
        do {
            return try PublicJWK(multibase: parsed.methodSpecificID)
        } catch {
            throw BadgeCoreError(.invalidDID, "did:key: \(error.message)")
        }
    }

    /// The DID document a `did:key` resolves to: a single `Ed25519VerificationKey2020` method
    /// `<did>#<multibase>` used for both authentication and assertion.
    public static func document(for did: String) throws(BadgeCoreError) -> DIDDocument {
        let key = try publicKey(fromDID: did)
        let methodID = did + "#" + key.multibase
        return DIDDocument(
            id: did,
            verificationMethods: [VerificationMethod(id: methodID, controller: did, publicKey: key)],
            authentication: [methodID],
            assertionMethod: [methodID])
    }
}
