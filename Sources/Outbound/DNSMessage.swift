/// The DNS wire format (RFC 1035 §4) for one TXT question and its answer: just enough to read
/// DNS-01 challenge records. Pure functions, tested without a network.
public enum DNSMessage {
    public static let typeTXT: UInt16 = 16
    public static let typeCNAME: UInt16 = 5

    /// Why a name cannot be queried or a response cannot be read.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public let message: String
        public init(_ message: String) { self.message = message }
        public var description: String { message }
    }

    /// One resource record of the answer section that we understand.
    public enum Record: Sendable, Equatable {
        /// A TXT record: owner name and its character-strings, in order.
        case txt(owner: String, strings: [[UInt8]])
        case cname(owner: String, target: String)
    }

    /// A parsed response.
    public struct Response: Sendable, Equatable {
        public var rcode: UInt8
        public var truncated: Bool
        public var answers: [Record]
    }

    /// A recursive query (RD set) for `name`/`type` class IN with message id `id`.
    public static func query(id: UInt16, name: String, type: UInt16) throws(Failure) -> [UInt8] {
        var bytes: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xFF), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]
        try appendName(name, to: &bytes)
        bytes += [UInt8(type >> 8), UInt8(type & 0xFF), 0, 1]
        return bytes
    }

    static func appendName(_ name: String, to bytes: inout [UInt8]) throws(Failure) {
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        guard name.utf8.count <= 253, !labels.isEmpty else { throw Failure("name too long") }
        for label in labels {
            let utf8 = Array(label.utf8)
            guard !utf8.isEmpty, utf8.count <= 63 else { throw Failure("malformed label in \(name)") }
            bytes.append(UInt8(utf8.count))
            bytes += utf8
        }
        bytes.append(0)
    }

    /// Parses a response to the query `id` for `name`/`type`; the question must echo it.
    public static func parse(_ bytes: [UInt8], id: UInt16, name: String, type: UInt16) throws(Failure) -> Response {
        var reader = Reader(bytes: bytes)
        guard try reader.u16() == id else { throw Failure("response id does not match the query") }
        let flags = try reader.u16()
        guard flags & 0x8000 != 0 else { throw Failure("not a response") }
        let qdcount = try reader.u16()
        let ancount = try reader.u16()
        _ = try reader.u16()
        _ = try reader.u16()
        guard qdcount == 1 else { throw Failure("response does not echo exactly one question") }
        let qname = try reader.name()
        let qtype = try reader.u16()
        let qclass = try reader.u16()
        guard qname == name.lowercased(), qtype == type, qclass == 1 else { throw Failure("response answers a different question") }
        let truncated = flags & 0x0200 != 0
        var answers: [Record] = []
        do throws(Failure) {
            try readAnswers(count: ancount, from: &reader, into: &answers)
        } catch {
            // A truncated (TC) answer may stop in the middle of a record; it is only read to learn
            // that the question must be asked again over TCP.
            guard truncated else { throw error }
        }
        return Response(rcode: UInt8(flags & 0x000F), truncated: truncated, answers: answers)
    }

    private static func readAnswers(count ancount: UInt16, from reader: inout Reader, into answers: inout [Record]) throws(Failure) {
        let bytes = reader.bytes
        for _ in 0..<ancount {
            let owner = try reader.name()
            let rtype = try reader.u16()
            let rclass = try reader.u16()
            _ = try reader.u32()
            let length = Int(try reader.u16())
            let end = reader.offset + length
            guard end <= bytes.count else { throw Failure("record data runs past the message") }
            defer { reader.offset = end }
            guard rclass == 1 else { continue }
            switch rtype {
            case typeTXT:
                var strings: [[UInt8]] = []
                while reader.offset < end {
                    let count = Int(try reader.u8())
                    guard reader.offset + count <= end else { throw Failure("TXT string runs past its record") }
                    strings.append(Array(bytes[reader.offset..<reader.offset + count]))
                    reader.offset += count
                }
                answers.append(.txt(owner: owner, strings: strings))
            case typeCNAME:
                answers.append(.cname(owner: owner, target: try reader.name()))
            default:
                continue
            }
        }
    }

    /// The TXT values published for `name`, following CNAMEs inside the answer. Each record yields
    /// its strings concatenated (RFC 7208 §3.3 style) and, when it has several, each string alone.
    /// Returns the values and the final name the chain reached (to re-query when no TXT came back).
    public static func txtValues(_ response: Response, for name: String) -> (values: [String], finalName: String) {
        var current = name.lowercased()
        var seen: Set<String> = [current]
        while let target = response.answers.lazy.compactMap({ record -> String? in
            if case .cname(let owner, let target) = record, owner == current { return target }
            return nil
        }).first, seen.insert(target).inserted {
            current = target
        }
        var values: [String] = []
        for record in response.answers {
            guard case .txt(let owner, let strings) = record, seen.contains(owner) else { continue }
            values.append(String(decoding: strings.joined(), as: UTF8.self))
            if strings.count > 1 { values += strings.map { String(decoding: $0, as: UTF8.self) } }
        }
        return (values, current)
    }

    struct Reader {
        let bytes: [UInt8]
        var offset = 0

        mutating func u8() throws(Failure) -> UInt8 {
            guard offset < bytes.count else { throw Failure("message too short") }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func u16() throws(Failure) -> UInt16 {
            let high = try u8()
            let low = try u8()
            return UInt16(high) << 8 | UInt16(low)
        }

        mutating func u32() throws(Failure) -> UInt32 {
            let high = try u16()
            let low = try u16()
            return UInt32(high) << 16 | UInt32(low)
        }

        /// A possibly compressed name, lowercased, without the trailing dot.
        mutating func name() throws(Failure) -> String {
            var labels: [String] = []
            var position = offset
            var jumped = false
            var jumps = 0
            while true {
                guard position < bytes.count else { throw Failure("name runs past the message") }
                let length = bytes[position]
                if length & 0xC0 == 0xC0 {
                    guard position + 1 < bytes.count else { throw Failure("truncated name pointer") }
                    jumps += 1
                    guard jumps <= 16 else { throw Failure("name pointer loop") }
                    if !jumped { offset = position + 2 }
                    jumped = true
                    position = Int(UInt16(length & 0x3F) << 8 | UInt16(bytes[position + 1]))
                    continue
                }
                guard length & 0xC0 == 0 else { throw Failure("unsupported label type") }
                if length == 0 {
                    if !jumped { offset = position + 1 }
                    break
                }
                let start = position + 1
                let end = start + Int(length)
                guard end <= bytes.count else { throw Failure("label runs past the message") }
                labels.append(String(decoding: bytes[start..<end], as: UTF8.self).lowercased())
                position = end
                guard labels.count <= 127 else { throw Failure("name too long") }
            }
            return labels.joined(separator: ".")
        }
    }
}
