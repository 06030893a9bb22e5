/// Badge trust level (`vc.credentialSubject.level`, RFC-002 §5).
///
/// Raw values are the wire strings. Ordering follows the RFC's precedence table, so policies can
/// write `badge.level >= .domainValidated`.
public enum TrustLevel: String, Sendable, Hashable, Comparable, CaseIterable {
    /// `"0"`: self-signed `did:key` badge, development only.
    case selfSigned = "0"
    /// `"1"`: registered with the registry.
    case registered = "1"
    /// `"2"`: domain validated.
    case domainValidated = "2"
    /// `"3"`: organization validated.
    case organizationValidated = "3"
    /// `"4"`: extended validation.
    case extended = "4"

    /// Precedence 0…4 from the RFC-002 §5 mapping table.
    public var precedence: Int {
        switch self {
        case .selfSigned: 0
        case .registered: 1
        case .domainValidated: 2
        case .organizationValidated: 3
        case .extended: 4
        }
    }

    /// Orders by ``precedence``.
    public static func < (lhs: TrustLevel, rhs: TrustLevel) -> Bool { lhs.precedence < rhs.precedence }

    /// Lenient reading for API request bodies: accepts `"2"` or `2`.
    ///
    /// Badge verification does not use this: inside a badge the level MUST be a string.
    public init?(lenient value: JSONValue) {
        switch value {
        case .string(let text): self.init(rawValue: text)
        case .int(let number): self.init(rawValue: String(number))
        default: return nil
        }
    }
}
