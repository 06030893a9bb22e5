/// The `did:web` method: mapping between DIDs and the HTTPS location of their documents
/// (RFC-002 §6, CONTRACT §5.8).
public enum DIDWeb {
    /// Builds `did:web:<host>[%3A<port>][:<segment>…]`, percent-encoding anything outside the
    /// DID idchar set so that a segment can never introduce a `:` separator.
    public static func did(host: String, port: Int?, path: [String]) -> String {
        var out = "did:web:" + percentEncode(host)
        if let port { out += "%3A\(port)" }
        for segment in path { out += ":" + percentEncode(segment) }
        return out
    }

    /// Splits a `did:web` into host, optional port and decoded path segments.
    ///
    /// The host is percent-decoded once (`localhost%3A8080` → host `localhost`, port 8080) and
    /// must be a plain DNS name or IPv4 literal: that excludes userinfo (`user@host`), embedded
    /// paths and further percent-encoding. Empty segments and `.`/`..` or `/`-bearing path
    /// segments are rejected so the document URL cannot escape the DID's path.
    public static func parse(_ did: String) throws(BadgeCoreError) -> (host: String, port: Int?, path: [String]) {
        let parsed = try DID.parse(did)
        guard parsed.method == "web" else { throw invalid("not a did:web") }
        let segments = parsed.methodSpecificID.split(separator: ":", omittingEmptySubsequences: false)
        guard !segments.contains(where: \.isEmpty) else { throw invalid("empty segment") }
        guard let authority = percentDecode(segments[0]) else { throw invalid("bad host encoding") }
        let hostAndPort = authority.split(separator: ":", omittingEmptySubsequences: false)
        guard hostAndPort.count <= 2 else { throw invalid("bad host") }
        let host = String(hostAndPort[0])
        guard isValidHost(host) else { throw invalid("bad host") }
        var port: Int?
        if hostAndPort.count == 2 {
            let text = hostAndPort[1]
            guard !text.isEmpty, text.count <= 5, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                let value = Int(text), (1...65535).contains(value)
            else { throw invalid("bad port") }
            port = value
        }
        var path: [String] = []
        for segment in segments.dropFirst() {
            guard let decoded = percentDecode(segment), decoded != ".", decoded != "..",
                !decoded.utf8.contains(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "\\") || $0 < 0x20 })
            else { throw invalid("bad path segment") }
            path.append(decoded)
        }
        return (host, port, path)
    }

    /// HTTPS URL of the DID document: `did:web:example.com` →
    /// `https://example.com/.well-known/did.json`; with a path, `https://example.com/a/b/did.json`.
    /// The port, when present, is kept.
    ///
    /// Always `https`: deciding to use plain HTTP for local development is a resolver policy,
    /// not part of the method mapping.
    public static func documentURL(for did: String) throws(BadgeCoreError) -> String {
        let (host, port, path) = try parse(did)
        var url = "https://" + host
        if let port { url += ":\(port)" }
        if path.isEmpty {
            url += "/.well-known/did.json"
        } else {
            for segment in path { url += "/" + percentEncode(segment) }
            url += "/did.json"
        }
        return url
    }

    private static func invalid(_ message: String) -> BadgeCoreError {
        BadgeCoreError(.invalidDID, "did:web: \(message)")
    }

    /// DNS name (letters, digits, `-`, dot-separated non-empty labels) or IPv4 literal.
    private static func isValidHost(_ host: String) -> Bool {
        let labels = host.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard !host.isEmpty, host.utf8.count <= 253 else { return false }
        return labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && label.first != UInt8(ascii: "-") && label.last != UInt8(ascii: "-")
                && label.allSatisfy { isIDChar($0) && $0 != UInt8(ascii: "_") && $0 != UInt8(ascii: ".") }
        }
    }
}

/// Percent-encodes every byte outside the DID idchar set (RFC 3986 style, uppercase hex).
func percentEncode(_ text: String) -> String {
    let hex = Array("0123456789ABCDEF".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(text.utf8.count)
    for byte in text.utf8 {
        if isIDChar(byte) {
            out.append(byte)
        } else {
            out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
        }
    }
    return String(decoding: out, as: UTF8.self)
}

/// Decodes `%XX` sequences once; `nil` for malformed escapes or a result that is not UTF-8.
func percentDecode(_ text: Substring) -> String? {
    let bytes = Array(text.utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var index = 0
    while index < bytes.count {
        if bytes[index] == UInt8(ascii: "%") {
            guard index + 2 < bytes.count, isHexDigit(bytes[index + 1]), isHexDigit(bytes[index + 2]),
                let value = UInt8(String(decoding: bytes[(index + 1)...(index + 2)], as: UTF8.self), radix: 16)
            else { return nil }
            out.append(value)
            index += 3
        } else {
            out.append(bytes[index])
            index += 1
        }
    }
    guard out.withUnsafeBufferPointer(isValidUTF8) else { return nil }
    return String(decoding: out, as: UTF8.self)
}
