// PublicJWK/PrivateJWK from JSON, publicKeyMultibase keys, and DIDDocument(json:) (did:web
// documents fetched from hostile hosts).
// Sources: Sources/BadgeCore/*.swift
// Needs: Crypto
//
// The input is parsed as JSON; a JSON string is also read as a multibase key and as a PEM public
// key (the wire's `publicKey` may be either).
// Properties:
// - an accepted public JWK round-trips through its JWK, multibase and did:key forms, and its
//   RFC 7638 thumbprint is 43 base64url characters;
// - an accepted private JWK's public key matches, it round-trips through json(), and what it
//   signs verifies;
// - an accepted multibase key re-encodes to exactly the input;
// - an accepted PEM key came from a PUBLIC KEY block of at most 1 KiB and reads back the same
//   from its canonical PEM;
// - an accepted DID document re-parses from its json() with the same id, relationships and keys.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJWK(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = inputBuffer(data, size)
    guard let json = try? JSONValue.parse(input) else { return 0 }
    if let key = try? PublicJWK(json: json) {
        require((try? PublicJWK(json: key.json)) == key, "JWK round trip")
        require((try? PublicJWK(multibase: key.multibase)) == key, "multibase round trip")
        require((try? DIDKey.publicKey(fromDID: DIDKey.did(for: key))) == key, "did:key round trip")
        let thumbprint = key.thumbprint()
        require(thumbprint.utf8.count == 43 && Base64URL.decode(thumbprint)?.count == 32, "thumbprint shape")
    }
    if let privateKey = try? PrivateJWK(json: json) {
        require((try? PublicJWK(json: json)) == privateKey.publicKey, "private key's public key differs from x")
        let again = try? PrivateJWK(json: privateKey.json())
        require(again?.publicKey == privateKey.publicKey && again?.kid == privateKey.kid, "private JWK round trip")
        let message = Array(input)
        guard let signature = try? privateKey.sign(message) else { fatalError("signing failed") }
        require(privateKey.publicKey.verify(signature: signature, message: message), "own signature does not verify")
    }
    if let text = json.stringValue, let key = try? PublicJWK(multibase: text) {
        require(key.multibase == text, "non-canonical multibase accepted")
    }
    if let text = json.stringValue, let key = try? PublicJWK(pem: text) {
        require(text.utf8.count <= 1024 && text.contains("-----BEGIN PUBLIC KEY-----"), "PEM accepted without its label or over 1 KiB")
        require((try? PublicJWK(pem: key.pem)) == key, "PEM round trip")
    }
    if let document = try? DIDDocument(json: json) {
        guard let again = try? DIDDocument(json: document.json()) else { fatalError("document json() does not parse") }
        require(again.id == document.id, "id changed")
        require(again.authentication == document.authentication && again.assertionMethod == document.assertionMethod,
            "relationships changed")
        require(again.verificationMethods.map(\.publicKey) == document.verificationMethods.map(\.publicKey), "keys changed")
        for id in document.authentication + document.assertionMethod { _ = document.method(withID: id) }
    }
    return 0
}
