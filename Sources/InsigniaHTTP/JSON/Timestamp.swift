import Foundation

/// Time formats used on the wire.
public enum Timestamp {
    /// RFC 3339, UTC, `Z`, whole seconds: `2026-03-04T10:15:00Z` (CONTRACT.md §1.3).
    public static func rfc3339(_ seconds: Int64) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        // Hand-assembled: every response and log line formats times, and String(format:) was
        // visible in profiles of the issuance path.
        var out = [UInt8]()
        out.reserveCapacity(20)
        func digits(_ value: Int32, _ width: Int) {
            var buffer = [UInt8](repeating: UInt8(ascii: "0"), count: width)
            var rest = Int(value)
            for index in stride(from: width - 1, through: 0, by: -1) {
                buffer[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
            out += buffer
        }
        digits(parts.tm_year + 1900, 4)
        out.append(UInt8(ascii: "-"))
        digits(parts.tm_mon + 1, 2)
        out.append(UInt8(ascii: "-"))
        digits(parts.tm_mday, 2)
        out.append(UInt8(ascii: "T"))
        digits(parts.tm_hour, 2)
        out.append(UInt8(ascii: ":"))
        digits(parts.tm_min, 2)
        out.append(UInt8(ascii: ":"))
        digits(parts.tm_sec, 2)
        out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }

    /// RFC 3339 with milliseconds, for log lines.
    public static func rfc3339Fractional(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        let whole = Int64(seconds.rounded(.down))
        let millis = Int((seconds - Double(whole)) * 1000)
        var text = rfc3339(whole)
        text.removeLast()
        return text + String(format: ".%03dZ", millis)
    }

    /// Parses RFC 3339 with optional fractional seconds and any offset; nil if malformed.
    public static func parse(_ text: String) -> Int64? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return Int64(date.timeIntervalSince1970.rounded(.down)) }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text).map { Int64($0.timeIntervalSince1970) }
    }
}
