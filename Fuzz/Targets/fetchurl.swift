// FetchURL(parsing:): the outbound fetcher's URL parser (did:web, HTTP-01, JWKS URLs).
// Sources: Sources/Outbound/FetchURL.swift Sources/Outbound/FetchError.swift Sources/Outbound/IPAddress.swift
//
// Properties of an accepted URL:
// - scheme and host are lowercase; host is letters, digits, '.', '-' (':' only in an IPv6
//   literal); the target starts with '/' and is printable ASCII (nothing that could split the
//   request line or Host header); the port is 1-65535;
// - hostAddress is set exactly when the host is an IP literal, and is that address;
// - rebuilding scheme://host[:port]target and parsing it again gives the same FetchURL.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFetchURL(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: inputBuffer(data, size), as: UTF8.self)
    guard let url = try? FetchURL(parsing: text) else { return 0 }
    require(url.scheme == url.scheme.lowercased() && url.host == url.host.lowercased(), "not lowercased")
    require(!url.host.isEmpty, "empty host")
    let ipv6 = url.hostAddress.map { !$0.isIPv4 } ?? false
    require(url.host.utf8.allSatisfy { byte in
        isAlphanumeric(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") || (ipv6 && byte == UInt8(ascii: ":"))
    }, "host \(url.host) has other characters")
    require(url.target.hasPrefix("/"), "target does not start with '/'")
    require(url.target.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }, "target is not printable ASCII")
    require((1...65535).contains(url.port), "port \(url.port)")
    require(url.hostAddress == IPAddress(url.host), "hostAddress disagrees with the host")

    let host = ipv6 ? "[\(url.host)]" : url.host
    let rebuilt = "\(url.scheme)://\(host)\(url.explicitPort.map { ":\($0)" } ?? "")\(url.target)"
    guard let again = try? FetchURL(parsing: rebuilt) else { fatalError("rebuilt URL \(rebuilt) does not parse") }
    require(again == url, "\(text) and \(rebuilt) parse differently")
    return 0
}

func isAlphanumeric(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
        || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
}
