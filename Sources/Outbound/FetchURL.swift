/// An absolute `http`/`https` URL, parsed by us rather than Foundation so that the host we check
/// is exactly the host we connect to and send in `Host`.
///
/// Only the plain form is accepted: `scheme://host[:port][/path][?query]`. Userinfo, fragments,
/// spaces, control and non-ASCII characters, malformed percent escapes and `..` segments
/// (also percent-encoded) are rejected.
struct FetchURL: Sendable, Equatable {
    /// Lowercased.
    let scheme: String
    /// Lowercased; an IPv6 literal without its brackets.
    let host: String
    /// Set when the host is an IP literal (`192.0.2.1` or `[2001:db8::1]`).
    let hostAddress: IPAddress?
    /// The explicit port, if the URL has one.
    let explicitPort: Int?
    /// Path and query, starting with `/`.
    let target: String

    /// The port to connect to: explicit, or the scheme's default.
    var port: Int { explicitPort ?? (scheme == "https" ? 443 : 80) }

    /// `host[:port]` as sent in the `Host` header; the port only when it is not the default.
    var hostHeader: String {
        let name = hostAddress.map { $0.isIPv4 ? host : "[\(host)]" } ?? host
        guard let explicitPort, explicitPort != (scheme == "https" ? 443 : 80) else { return name }
        return "\(name):\(explicitPort)"
    }

    init(parsing text: String) throws(FetchError) {
        let bytes = Array(text.utf8)
        // Printable ASCII only: no spaces, controls or non-ASCII that other parsers might fold.
        guard !bytes.isEmpty, bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw Self.invalid("must be printable ASCII without spaces")
        }
        guard !bytes.contains(UInt8(ascii: "#")) else { throw Self.invalid("fragments are not allowed") }
        guard !bytes.contains(UInt8(ascii: "\\")) else { throw Self.invalid("backslashes are not allowed") }

        guard let schemeEnd = text.firstRange(of: "://") else { throw Self.invalid("missing scheme") }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard let first = scheme.utf8.first, Self.isLetter(first),
              scheme.utf8.allSatisfy({ Self.isLetter($0) || Self.isDigit($0) || "+-.".utf8.contains($0) })
        else { throw Self.invalid("malformed scheme") }

        let rest = text[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard !authority.contains("@") else { throw Self.invalid("userinfo is not allowed") }
        guard !authority.isEmpty else { throw Self.invalid("empty host") }

        var hostText: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw Self.invalid("unterminated IPv6 literal") }
            hostText = authority[authority.index(after: authority.startIndex)..<close]
            let afterClose = authority[authority.index(after: close)...]
            if !afterClose.isEmpty {
                guard afterClose.hasPrefix(":") else { throw Self.invalid("junk after IPv6 literal") }
                portText = afterClose.dropFirst()
            }
            // Zone ids and IPv4 text inside brackets are rejected here.
            guard let address = IPAddress(String(hostText)), !address.isIPv4 else {
                throw Self.invalid("malformed IPv6 literal")
            }
            self.hostAddress = address
            hostText = Substring(address.description)
        } else {
            if let colon = authority.firstIndex(of: ":") {
                hostText = authority[..<colon]
                portText = authority[authority.index(after: colon)...]
            } else {
                hostText = authority
            }
            guard !hostText.isEmpty else { throw Self.invalid("empty host") }
            // Letters, digits, dots and hyphens only: no percent-encoding or IDNA games in hosts.
            guard hostText.utf8.allSatisfy({ Self.isLetter($0) || Self.isDigit($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") })
            else { throw Self.invalid("host has characters outside letters, digits, '.' and '-'") }
            hostText = Substring(hostText.lowercased())
            self.hostAddress = IPAddress(String(hostText))
        }

        if let portText {
            guard (1...5).contains(portText.count), portText.utf8.allSatisfy(Self.isDigit),
                  let port = Int(portText), (1...65535).contains(port)
            else { throw Self.invalid("malformed port") }
            self.explicitPort = port
        } else {
            self.explicitPort = nil
        }

        var target = String(rest[authorityEnd...])
        if target.isEmpty || target.hasPrefix("?") { target = "/" + target }
        try Self.checkPath(target)

        self.scheme = scheme
        self.host = String(hostText)
        self.target = target
    }

    /// Rejects malformed percent escapes anywhere, and in the path dot-dot segments and encoded
    /// slashes (also percent-encoded), because servers and proxies disagree on how to normalise them.
    private static func checkPath(_ target: String) throws(FetchError) {
        let bytes = Array(target.utf8)
        let pathEnd = bytes.firstIndex(of: UInt8(ascii: "?")) ?? bytes.endIndex
        _ = try percentDecode(bytes[pathEnd...])
        // Decode segment by segment: an encoded slash must not be able to hide a `..` segment.
        for segment in bytes[..<pathEnd].split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
            let decoded = try percentDecode(segment)
            guard !decoded.contains(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "\\") }) else {
                throw invalid("encoded slashes are not allowed")
            }
            guard !decoded.elementsEqual("..".utf8) else { throw invalid("'..' segments are not allowed") }
        }
    }

    private static func percentDecode(_ bytes: ArraySlice<UInt8>) throws(FetchError) -> [UInt8] {
        var decoded: [UInt8] = []
        var index = bytes.startIndex
        while index < bytes.endIndex {
            guard bytes[index] == UInt8(ascii: "%") else {
                decoded.append(bytes[index])
                index += 1
                continue
            }
            guard index + 2 < bytes.endIndex,
                  let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
            else { throw invalid("malformed percent escape") }
            decoded.append(high << 4 | low)
            index += 3
        }
        return decoded
    }

    private static func invalid(_ why: String) -> FetchError { FetchError(.invalidURL, "invalid URL: \(why)") }

    private static func hexValue(_ char: UInt8) -> UInt8? {
        switch char {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): char - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): char - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): char - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func isLetter(_ char: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(char) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(char)
    }

    private static func isDigit(_ char: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(char) }
}
