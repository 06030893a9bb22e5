// DID.parse, DIDKey.publicKey(fromDID:) and DIDWeb.parse/documentURL: DIDs from badges, PoP
// requests and agent registrations; the did:web URL is checked against the outbound URL parser.
// Sources: Sources/BadgeCore/*.swift Sources/Outbound/FetchURL.swift Sources/Outbound/FetchError.swift Sources/Outbound/IPAddress.swift
// Needs: Crypto
//
// Properties:
// - an accepted DID is at most DID.maxLength bytes and prints back as the input;
// - an accepted did:key is the canonical did:key of its key;
// - an accepted did:web's (host, port, path) survive DIDWeb.did → parse; its document URL is
//   accepted by FetchURL with the same host (lowercased) and port, an https scheme and no '.'
//   or '..' path segment (the URL cannot leave the DID's path).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDID(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: inputBuffer(data, size), as: UTF8.self)
    guard let did = try? DID.parse(text) else { return 0 }
    require(text.utf8.count <= DID.maxLength, "longer than maxLength")
    require(did.string == text, "DID does not print back as the input")
    if let key = try? DIDKey.publicKey(fromDID: text) {
        require(DIDKey.did(for: key) == text, "non-canonical did:key accepted")
        _ = try? DIDKey.document(for: text)
    }
    if let (host, port, path) = try? DIDWeb.parse(text) {
        let rebuilt = DIDWeb.did(host: host, port: port, path: path)
        guard let again = try? DIDWeb.parse(rebuilt) else { fatalError("rebuilt did:web \(rebuilt) does not parse") }
        require(again.host == host && again.port == port && again.path == path, "did:web round trip")
        guard let documentURL = try? DIDWeb.documentURL(for: text) else { fatalError("no document URL") }
        guard let url = try? FetchURL(parsing: documentURL) else { fatalError("FetchURL rejects \(documentURL)") }
        require(url.scheme == "https" && url.host == host.lowercased() && url.explicitPort == port,
            "\(documentURL) reaches \(url.host):\(url.port)")
        let pathPart = url.target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]
        require(!pathPart.split(separator: "/").contains { $0 == "." || $0 == ".." }, "dot segment in \(documentURL)")
    }
    return 0
}
