import BadgeCore
import Registry

/// Reads an IAL-0 issuance body with every alias real clients send (CONTRACT.md §4.4).
enum BadgeRequestJSON {
    static func ial0(_ body: [String: JSONValue]) throws -> IAL0Request {
        var request = IAL0Request()
        if let level = body.first("trustLevel", "trust_level") {
            guard let parsed = TrustLevel(lenient: level.value) else {
                throw RegistryError(.invalidTrustLevel, "\(level.key) must be \"1\" to \"4\"")
            }
            request.level = parsed
        }
        request.domain = try body.string("domain")
        request.ttlSeconds = try ttl(body)
        request.audience = try audience(body)
        return request
    }

    /// Whether the body asks for IAL-1 (proof of possession) rather than IAL-0.
    /// A `mode` other than `ial0`/`ial1` is `400 invalid_mode` (RFC-003 §11), never an IAL-0 badge.
    static func isIAL1(_ body: [String: JSONValue]) throws -> Bool {
        if let mode = body["mode"], mode != .null {
            switch mode.stringValue?.lowercased() {
            case "ial1"?: return true
            case "ial0"?: return false
            default: throw RegistryError(.invalidMode, "mode must be \"ial0\" or \"ial1\"")
            }
        }
        return body["challenge_id"] != nil && (body["proof_jws"] != nil || body["proof"] != nil)
    }

    /// Whole seconds from the first present key among `keys` (integer, integral float, or digits).
    static func seconds(_ body: [String: JSONValue], _ keys: String...) throws -> Int64? {
        for key in keys {
            guard let value = body[key], value != .null else { continue }
            switch value {
            case .int(let seconds): return seconds
            case .double(let seconds) where seconds.isFinite && seconds.rounded() == seconds && abs(seconds) < 1e12: return Int64(seconds)
            case .string(let text) where Int64(text) != nil: return Int64(text)
            default: throw RegistryError(.invalidTTL, "\(key) must be a whole number of seconds")
            }
        }
        return nil
    }

    /// `badge_ttl`, then `ttl` (integer seconds), then `duration` (a Go duration such as "5m0s").
    static func ttl(_ body: [String: JSONValue]) throws -> Int64? {
        if let seconds = try seconds(body, "badge_ttl", "ttl") { return seconds }
        if let (_, value) = body.first("duration") {
            guard let text = value.stringValue, let seconds = GoDuration.seconds(text) else {
                throw RegistryError(.invalidTTL, "duration must be a Go duration such as \"5m0s\"")
            }
            return Int64(seconds.rounded(.down))
        }
        return nil
    }

    /// `audience` or `badge_aud`: one string or an array of strings.
    static func audience(_ body: [String: JSONValue]) throws -> [String]? {
        guard let (key, value) = body.first("audience", "badge_aud") else { return nil }
        let items: [String]
        switch value {
        case .string(let single): items = [single]
        case .array(let array):
            items = try array.map {
                guard let text = $0.stringValue else { throw RegistryError.invalidRequest("\(key) must hold strings") }
                return text
            }
        default: throw RegistryError.invalidRequest("\(key) must be a string or an array of strings")
        }
        guard items.count <= 20, items.allSatisfy({ !$0.isEmpty && $0.count <= 500 }) else {
            throw RegistryError.invalidRequest("\(key) takes at most 20 non-empty entries of up to 500 characters")
        }
        return items
    }
}
