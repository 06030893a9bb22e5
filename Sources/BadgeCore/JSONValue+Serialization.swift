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
            writeObject(sortedMembers: members.keys.sorted(by: Self.utf16Precedes).lazy.map { (key: $0, value: members[$0]!) })
        }
    }

    /// An object of `sortedMembers`, which the caller gives in sorted key order. (A sequence, so
    /// a dictionary's members are written as its sorted keys are read, with no array between.)
    mutating func writeObject<Members: Sequence<(key: String, value: JSONValue)>>(sortedMembers: Members) {
        out.append(UInt8(ascii: "{"))
        for (offset, member) in sortedMembers.enumerated() {
            if offset > 0 { out.append(UInt8(ascii: ",")) }
            writeString(member.key)
            out.append(UInt8(ascii: ":"))
            write(member.value)
        }
        out.append(UInt8(ascii: "}"))
    }

    mutating func writeDouble(_ number: Double) {
        if let text = ECMAScriptNumber.string(number) {
            out.append(contentsOf: text.utf8)
        } else {
            out.append(contentsOf: "null".utf8)
        }
    }

    /// Escapes exactly as RFC 8785 §3.2.2.2 requires: `"` `\` and C0 controls only, using the
    /// two-character forms where JSON has them and lowercase `\u00xx` otherwise. Runs of bytes
    /// that need no escape are copied in one go (this is on every response and log line).
    mutating func writeString(_ string: String) {
        out.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { bytes in
            var runStart = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                writeEscape(byte)
                runStart = index + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
        }
        out.append(UInt8(ascii: "\""))
    }

    private mutating func writeEscape(_ byte: UInt8) {
        out.append(UInt8(ascii: "\\"))
        switch byte {
        case 0x08: out.append(UInt8(ascii: "b"))
        case 0x09: out.append(UInt8(ascii: "t"))
        case 0x0A: out.append(UInt8(ascii: "n"))
        case 0x0C: out.append(UInt8(ascii: "f"))
        case 0x0D: out.append(UInt8(ascii: "r"))
        case 0..<0x20:
            out.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
            out.append(Self.hexDigits[Int(byte >> 4)])
            out.append(Self.hexDigits[Int(byte & 0x0F)])
        default: out.append(byte)  // `"` and `\`
        }
    }

    /// Whether `a` sorts before `b` by UTF-16 code units (RFC 8785 §3.2.3), decided on UTF-8
    /// bytes where that gives the same answer: UTF-8 byte order is code point order, which
    /// differs from UTF-16 order only between a supplementary character (lead byte F0–F4) and
    /// one in U+E000–U+FFFF (lead EE/EF), so a first difference at a byte ≥ 0xEE asks UTF-16.
    static func utf16Precedes(_ a: String, _ b: String) -> Bool {
        var left = a.utf8.makeIterator()
        var right = b.utf8.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return false
            case (nil, _): return true
            case (_, nil): return false
            case let (x?, y?) where x != y:
                return x >= 0xEE || y >= 0xEE ? a.utf16.lexicographicallyPrecedes(b.utf16) : x < y
            default: continue
            }
        }
    }
}
