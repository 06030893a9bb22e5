import Crypto
import Foundation

/// Verifies Svix webhook signatures, as Clerk sends them: `svix-signature` holds space-separated
/// `v1,<base64 HMAC-SHA256>` entries over `"{svix-id}.{svix-timestamp}.{body}"`, keyed with the
/// base64 part of the `whsec_…` secret. Any entry may match; comparisons are constant-time.
public struct SvixVerifier: Sendable {
    /// Largest accepted distance between `svix-timestamp` and now, either way (seconds).
    public static let tolerance: Int64 = 5 * 60

    private let key: SymmetricKey

    /// Reads a `whsec_<base64>` secret.
    public init(secret: String) throws(SessionKeyError) {
        guard secret.hasPrefix("whsec_") else { throw SessionKeyError("must start with whsec_") }
        guard let bytes = Data(base64Encoded: String(secret.dropFirst("whsec_".count))), !bytes.isEmpty else {
            throw SessionKeyError("the part after whsec_ must be base64")
        }
        key = SymmetricKey(data: bytes)
    }

    /// Whether the delivery is authentic and recent.
    public func verify(id: String, timestamp: String, signatureHeader: String, body: [UInt8], now: Int64) -> Bool {
        guard !id.isEmpty, let sent = Int64(timestamp), abs(now - sent) <= Self.tolerance else { return false }
        let message = Array("\(id).\(timestamp).".utf8) + body
        var matched = false
        for entry in signatureHeader.split(separator: " ") {
            let parts = entry.split(separator: ",", maxSplits: 1)
            guard parts.count == 2, parts[0] == "v1", let mac = Data(base64Encoded: String(parts[1])) else { continue }
            if HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: message, using: key) { matched = true }
        }
        return matched
    }

    /// The header value for `body` (tests and tooling).
    public func sign(id: String, timestamp: String, body: [UInt8]) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("\(id).\(timestamp).".utf8) + body, using: key)
        return "v1," + Data(mac).base64EncodedString()
    }
}
