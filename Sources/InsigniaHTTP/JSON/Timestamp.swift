import Foundation

/// Time formats used on the wire.
public enum Timestamp {
    /// RFC 3339, UTC, `Z`, whole seconds: `2026-03-04T10:15:00Z` (CONTRACT.md §1.3).
    public static func rfc3339(_ seconds: Int64) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec)
        )
    }

    /// RFC 3339 with milliseconds, for log lines.
    static func rfc3339Fractional(_ date: Date) -> String {
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
