extension JSONValue {
    /// Compact UTF-8 JSON with object keys sorted by UTF-16 code units, so equal values always
    /// produce equal bytes. Integers are written exactly; doubles in ECMAScript shortest form;
    /// non-finite doubles (only constructible in code) become `null`.
    public func serialized() -> [UInt8] {
        var writer = JSONWriter(jcsIntegers: false)
        writer.write(self)
        return writer.out
    }

    /// RFC 8785 (JCS) canonical form, for hashing documents (`agent_card_hash`, `did_doc_hash`).
    ///
    /// Identical to ``serialized()`` except that JCS models every number as an IEEE-754 double,
    /// so integers beyond ±2^53 are written as their nearest double would be.
    public func canonicalJSON() -> [UInt8] {
        var writer = JSONWriter(jcsIntegers: true)
        writer.write(self)
        return writer.out
    }
}

/// Appends JSON text to a byte buffer.
struct JSONWriter {
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    let jcsIntegers: Bool

    init(jcsIntegers: Bool) {
        self.jcsIntegers = jcsIntegers
        out.reserveCapacity(256)
    }

    mutating func write(_ value: JSONValue) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .int(let number):
            // Doubles represent every integer up to 2^53 exactly; beyond that JCS rounds.
            if jcsIntegers, number.magnitude > 1 << 53 {
                writeDouble(Double(number))
            } else {
                out.append(contentsOf: String(number).utf8)
            }
        case .double(let number): writeDouble(number)
        case .string(let string): writeString(string)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (offset, element) in elements.enumerated() {
                if offset > 0 { out.append(UInt8(ascii: ",")) }
                write(element)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            let keys = members.keys.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) }
            for (offset, key) in keys.enumerated() {
                if offset > 0 { out.append(UInt8(ascii: ",")) }
                writeString(key)
                out.append(UInt8(ascii: ":"))
                write(members[key]!)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    mutating func writeDouble(_ number: Double) {
        if let text = ECMAScriptNumber.string(number) {
            out.append(contentsOf: text.utf8)
        } else {
            out.append(contentsOf: "null".utf8)
        }
    }

    /// Escapes exactly as RFC 8785 §3.2.2.2 requires: `"` `\` and C0 controls only, using the
    /// two-character forms where JSON has them and lowercase `\u00xx` otherwise.
    mutating func writeString(_ string: String) {
        out.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x08: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0C: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0..<0x20:
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                out.append(Self.hexDigits[Int(byte >> 4)])
                out.append(Self.hexDigits[Int(byte & 0x0F)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
