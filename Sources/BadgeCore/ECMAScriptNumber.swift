/// Formats doubles like ECMAScript `Number.prototype.toString()`, as RFC 8785 §3.2.2.3 requires.
enum ECMAScriptNumber {
    /// The ECMAScript rendering of a finite double, or `nil` for NaN and infinities.
    ///
    /// Swift's `description` already yields the shortest round-tripping digits (the same digit
    /// choice ECMAScript mandates); only the layout of those digits differs, so this re-lays them
    /// out per ECMA-262 Number::toString.
    static func string(_ value: Double) -> String? {
        guard value.isFinite else { return nil }
        if value == 0 { return "0" }  // also covers -0, which ECMAScript prints as "0"
        let description = value.magnitude.description
        var digits: [UInt8] = []
        var pointPosition: Int?
        var exponent = 0
        var utf8 = description.utf8[...]
        if let e = utf8.firstIndex(of: UInt8(ascii: "e")) {
            exponent = Int(String(description[e...].dropFirst()))!
            utf8 = utf8[..<e]
        }
        for byte in utf8 {
            if byte == UInt8(ascii: ".") {
                pointPosition = digits.count
            } else {
                digits.append(byte)
            }
        }
        // Normalise to value = 0.d1d2…dk × 10^n with d1 ≠ 0 and dk ≠ 0.
        var n = (pointPosition ?? digits.count) + exponent
        let leadingZeros = digits.prefix { $0 == UInt8(ascii: "0") }.count
        digits.removeFirst(leadingZeros)
        n -= leadingZeros
        while digits.last == UInt8(ascii: "0") { digits.removeLast() }
        let k = digits.count

        var out: [UInt8] = value < 0 ? [UInt8(ascii: "-")] : []
        if k <= n && n <= 21 {
            out += digits
            out += [UInt8](repeating: UInt8(ascii: "0"), count: n - k)
        } else if 0 < n && n <= 21 {
            out += digits[..<n]
            out.append(UInt8(ascii: "."))
            out += digits[n...]
        } else if -6 < n && n <= 0 {
            out += Array("0.".utf8)
            out += [UInt8](repeating: UInt8(ascii: "0"), count: -n)
            out += digits
        } else {
            out.append(digits[0])
            if k > 1 {
                out.append(UInt8(ascii: "."))
                out += digits[1...]
            }
            out.append(UInt8(ascii: "e"))
            out.append(n - 1 >= 0 ? UInt8(ascii: "+") : UInt8(ascii: "-"))
            out += Array(String(abs(n - 1)).utf8)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
