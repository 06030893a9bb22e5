// CompactJWS.parse and BadgeClaims(json:): badges and PoP proofs as presented by clients.
// Sources: Sources/BadgeCore/*.swift
// Needs: Crypto
//
// Properties of an accepted token:
// - header and payload are JSON objects without "crit"; the signature is non-empty;
// - the token is exactly headerSegment.payloadSegment.base64url(signature) (canonical
//   segments: no second spelling of the same signature), and signingInput is its first two
//   segments;
// - verification under a fixed key does not crash (and a fuzzed signature does not verify);
// - BadgeClaims(json:) of the payload either throws or yields a subject that is a valid DID and
//   a key (if any) that round-trips through its JWK.

private let someKey = try! PublicJWK(rawKey: [UInt8](repeating: 0x42, count: 32))

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJWS(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let token = String(decoding: inputBuffer(data, size), as: UTF8.self)
    guard let jws = try? CompactJWS.parse(token) else { return 0 }
    require(jws.header.objectValue != nil && jws.payload.objectValue != nil, "header or payload not an object")
    require(jws.header["crit"] == nil, "crit accepted")
    require(!jws.signature.isEmpty, "empty signature")
    let rebuilt = jws.headerSegment + "." + jws.payloadSegment + "." + Base64URL.encode(jws.signature)
    require(rebuilt == token, "token is not its canonical segments")
    require(jws.signingInput == Array((jws.headerSegment + "." + jws.payloadSegment).utf8), "signingInput")
    require(!jws.verify(with: someKey), "a fuzzed signature verified")
    if let claims = try? BadgeClaims(json: jws.payload) {
        require((try? DID.parse(claims.sub)) != nil, "sub is not a DID")
        if let key = claims.key { require((try? PublicJWK(json: key.json)) == key, "claims key does not round-trip") }
    }
    return 0
}
