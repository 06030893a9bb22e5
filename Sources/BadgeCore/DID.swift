/// A decentralized identifier per W3C DID Core §3.1 (`did:<method>:<method-specific-id>`).
///
/// DID URLs (with path, query or fragment) are deliberately not accepted here.
public struct DID: Sendable, Hashable, CustomStringConvertible {
    /// Longest DID accepted; bounds work on hostile input.
    public static let maxLength = 2048

    /// Method name, e.g. `web` or `key`.
    public let method: String
    /// Everything after `did:<method>:`.
    public let methodSpecificID: String

    /// `did:<method>:<methodSpecificID>`.
    public var string: String { "did:\(method):\(methodSpecificID)" }

    /// Same as ``string``.
    public var description: String { string }

    /// Parses and validates DID syntax.
    ///
    /// method = 1*[a-z0-9]; method-specific-id = *( *idchar ":" ) 1*idchar, with
    /// idchar = ALPHA / DIGIT / "." / "-" / "_" / pct-encoded. So the id is non-empty, may contain
    /// `:` but cannot end with one, and whitespace, `/`, `?`, `#` are rejected.
    public static func parse(_ s: String) throws(BadgeCoreError) -> DID {
        let bytes = Array(s.utf8)
        guard bytes.count <= maxLength else { throw invalid("longer than \(maxLength) bytes") }
        guard bytes.starts(with: "did:".utf8) else { throw invalid("must start with 'did:'") }
        var index = 4
        while index < bytes.count, isMethodChar(bytes[index]) { index += 1 }
        guard index > 4 else { throw invalid("empty or invalid method name") }
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw invalid("missing ':' after method") }
        let methodEnd = index
        index += 1
        let idStart = index
        guard idStart < bytes.count else { throw invalid("empty method-specific id") }
        guard bytes.last != UInt8(ascii: ":") else { throw invalid("method-specific id ends with ':'") }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.count, isHexDigit(bytes[index + 1]), isHexDigit(bytes[index + 2]) else {
                    throw invalid("bad percent-encoding")
                }
                index += 3
            } else if isIDChar(byte) || byte == UInt8(ascii: ":") {
                index += 1
            } else {
                throw invalid("character not allowed in DID")
            }
        }
        return DID(
            method: String(decoding: bytes[4..<methodEnd], as: UTF8.self),
            methodSpecificID: String(decoding: bytes[idStart...], as: UTF8.self))
    }

    private init(method: String, methodSpecificID: String) {
        self.method = method
        self.methodSpecificID = methodSpecificID
    }

    private static func invalid(_ message: String) -> BadgeCoreError {
        BadgeCoreError(.invalidDID, message)
    }

    private static func isMethodChar(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}

/// `ALPHA / DIGIT / "." / "-" / "_"`: the unreserved characters DID syntax allows unencoded.
func isIDChar(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "_"):
        return true
    default:
        return false
    }
}

func isHexDigit(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"),
        UInt8(ascii: "A")...UInt8(ascii: "F"):
        return true
    default:
        return false
    }
}
