/// Go's time.Duration text form, as the capiscio Go client sends badge TTLs ("5m0s").
public enum GoDuration {
    /// Largest magnitude accepted: ten 365-day years (87600h). Anything longer is not a
    /// plausible TTL and is treated as invalid rather than clamped.
    static let maxNanoseconds: UInt64 = 10 * 365 * 86_400 * 1_000_000_000

    /// Nanoseconds per unit, as in Go's `time.unitMap`.
    private static let units: [String: UInt64] = [
        "ns": 1,
        "us": 1_000,
        "\u{00B5}s": 1_000,  // MICRO SIGN
        "\u{03BC}s": 1_000,  // GREEK SMALL LETTER MU
        "ms": 1_000_000,
        "s": 1_000_000_000,
        "m": 60 * 1_000_000_000,
        "h": 3_600 * 1_000_000_000,
    ]

    /// Seconds in `text`, or nil when it is not a Go duration. Grammar: optional sign, then one or
    /// more `<decimal>[.<decimal>]<unit>` with unit in ns, us, µs (U+00B5), μs (U+03BC), ms, s, m, h;
    /// "0" alone is zero. Leading "+"/"-" allowed once. No spaces. Overflow/absurd values (> 10 years) → nil.
    ///
    /// Follows Go's `time.ParseDuration`: either side of the decimal point may be empty but not
    /// both (".5s" and "1.s" are valid, ".s" is not), every number needs a unit ("5", "5m0" are
    /// invalid), and the value is accumulated in whole nanoseconds, so digits finer than 1ns are
    /// truncated exactly as Go does. "-0" and "+0" are zero, as in Go.
    public static func seconds(_ text: String) -> Double? {
        guard let (negative, nanoseconds) = parse(Array(text.unicodeScalars)) else { return nil }
        let value = Double(nanoseconds) / 1_000_000_000
        return negative && nanoseconds > 0 ? -value : value
    }

    private static func parse(_ scalars: [Unicode.Scalar]) -> (negative: Bool, nanoseconds: UInt64)? {
        var index = 0
        var negative = false
        if index < scalars.count, scalars[index] == "-" || scalars[index] == "+" {
            negative = scalars[index] == "-"
            index += 1
        }
        if scalars.count - index == 1, scalars[index] == "0" { return (negative, 0) }
        guard index < scalars.count else { return nil }

        var total: UInt64 = 0
        while index < scalars.count {
            // The next component must start with a digit or '.'.
            guard scalars[index] == "." || isDigit(scalars[index]) else { return nil }

            // Integer part.
            var whole: UInt64 = 0
            let wholeStart = index
            while index < scalars.count, let digit = digitValue(scalars[index]) {
                // Any integer part beyond the cap is rejected anyway; stop before overflowing.
                guard whole <= maxNanoseconds else { return nil }
                whole = whole * 10 + digit
                index += 1
            }
            let hasWhole = index > wholeStart

            // Fraction: keep digits while the scale stays representable, drop the rest (Go
            // behaves the same way, truncating below nanosecond resolution).
            var fraction: UInt64 = 0
            var scale: UInt64 = 1
            var hasFraction = false
            if index < scalars.count, scalars[index] == "." {
                index += 1
                let fractionStart = index
                while index < scalars.count, let digit = digitValue(scalars[index]) {
                    if scale < 1_000_000_000_000_000 {
                        fraction = fraction * 10 + digit
                        scale *= 10
                    }
                    index += 1
                }
                hasFraction = index > fractionStart
            }
            guard hasWhole || hasFraction else { return nil }

            // Unit: everything up to the next digit or '.'.
            let unitStart = index
            while index < scalars.count, scalars[index] != ".", !isDigit(scalars[index]) { index += 1 }
            guard index > unitStart else { return nil }
            var unitName = ""
            unitName.unicodeScalars.append(contentsOf: scalars[unitStart..<index])
            guard let unit = units[unitName] else { return nil }

            let (scaled, overflow) = whole.multipliedReportingOverflow(by: unit)
            guard !overflow, scaled <= maxNanoseconds else { return nil }
            var component = scaled
            if fraction > 0 {
                // fraction < scale ≤ 10^18 and unit ≤ 3.6·10^12: compute in Double, the result is
                // below one unit, and truncate like Go's integer arithmetic.
                component += UInt64(Double(fraction) * (Double(unit) / Double(scale)))
            }
            total += component
            guard total <= maxNanoseconds else { return nil }
        }
        return (negative, total)
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { digitValue(scalar) != nil }

    private static func digitValue(_ scalar: Unicode.Scalar) -> UInt64? {
        guard scalar.value >= 0x30, scalar.value <= 0x39 else { return nil }
        return UInt64(scalar.value - 0x30)
    }
}
