/// A resource path of C2SP tlog-tiles below `tile/`: `<L>/<N>[.p/<W>]` for Merkle tree tiles,
/// `entries/<N>[.p/<W>]` for entry bundles.
///
/// Parsing refuses anything that is not exactly the spec's form: levels outside 0…63 or with
/// leading zeros, index elements that are not 3 digits (all but the last prefixed with `x`) or
/// that start with a zero group (`x000/…`),
/// indices that do not fit in 63 bits, and widths outside 1…255 or with leading zeros.
public struct TilePath: Sendable, Hashable, CustomStringConvertible {
    /// Hashes per full tile, and entries per full bundle.
    public static let fullWidth = 256
    /// Tree levels one tile level spans.
    public static let height = 8

    /// `nil` for an entry bundle; otherwise the tile level (0…63).
    public let level: Int?
    /// The tile (or bundle) index N.
    public let index: Int64
    /// 1…255 for a partial tile, 256 for a full one.
    public let width: Int

    /// Checks the bounds `parse` enforces, for paths built in code.
    public init?(level: Int?, index: Int64, width: Int = TilePath.fullWidth) {
        if let level, !(0...63).contains(level) { return nil }
        guard index >= 0, (1...Self.fullWidth).contains(width) else { return nil }
        self.level = level
        self.index = index
        self.width = width
    }

    /// Whether this names a full tile (no `.p/` suffix); such a tile never changes.
    public var isFull: Bool { width == Self.fullWidth }

    /// The path below `tile/`, e.g. `0/x001/234.p/5` or `entries/000`.
    public var description: String {
        var path = level.map(String.init) ?? "entries"
        path += "/" + Self.indexPath(index)
        if !isFull { path += ".p/\(width)" }
        return path
    }

    /// N as zero-padded 3-digit elements, all but the last prefixed with `x`.
    static func indexPath(_ index: Int64) -> String {
        var groups: [String] = []
        var rest = index
        repeat {
            let group = String(rest % 1000)
            groups.append(String(repeating: "0", count: 3 - group.count) + group)
            rest /= 1000
        } while rest > 0
        return groups.reversed().enumerated().map { $0.offset == groups.count - 1 ? $0.element : "x" + $0.element }.joined(separator: "/")
    }

    /// Parses the path below `tile/`; nil for anything malformed.
    public static func parse(_ path: Substring) -> TilePath? {
        var parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 2, parts.count <= 9 else { return nil }
        let head = parts.removeFirst()
        let level: Int?
        if head == "entries" {
            level = nil
        } else {
            guard let value = decimal(head, max: 63) else { return nil }
            level = Int(value)
        }
        var width = fullWidth
        if parts.count >= 2, parts[parts.count - 2].hasSuffix(".p") {
            guard let value = decimal(parts.removeLast(), max: 255), value >= 1 else { return nil }
            width = Int(value)
            parts[parts.count - 1] = parts[parts.count - 1].dropLast(2)
        }
        // Seven 3-digit groups exceed 2^63 only past 9 223 372…: the overflow checks catch that.
        guard !parts.isEmpty, parts.count <= 7 else { return nil }
        // One spelling per index (as Go's tlog insists): no leading zero groups such as x000/001.
        guard parts.count == 1 || parts[0] != "x000" else { return nil }
        var index: Int64 = 0
        for (position, part) in parts.enumerated() {
            var digits = part
            if position < parts.count - 1 {
                guard digits.first == "x" else { return nil }
                digits = digits.dropFirst()
            }
            guard digits.utf8.count == 3, digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
            let (shifted, overflow) = index.multipliedReportingOverflow(by: 1000)
            guard !overflow else { return nil }
            let (sum, overflow2) = shifted.addingReportingOverflow(Int64(digits)!)
            guard !overflow2 else { return nil }
            index = sum
        }
        return TilePath(level: level, index: index, width: width)
    }

    /// A decimal without leading zeros, at most `max`.
    private static func decimal(_ text: Substring, max: Int64) -> Int64? {
        guard !text.isEmpty, text.utf8.count <= 3, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        guard text == "0" || text.first != "0", let value = Int64(text), value <= max else { return nil }
        return value
    }

    /// Whether this tile (or bundle), at its width, lies within a tree of `size` leaves.
    public func exists(inTreeOf size: Int64) -> Bool {
        let shift = (level ?? 0) * Self.height
        // Nodes at this tile level: complete subtrees of 2^shift leaves.
        let nodes = shift >= 63 ? 0 : size >> Int64(shift)
        guard index <= nodes / Int64(Self.fullWidth) else { return false }
        return index * Int64(Self.fullWidth) + Int64(width) <= nodes
    }
}

/// Entry bundles: each entry as a big-endian uint16 length and its bytes (C2SP tlog-tiles).
public enum EntryBundle {
    /// Encodes `entries`; nil when one is longer than 65 535 bytes.
    public static func encode(_ entries: [[UInt8]]) -> [UInt8]? {
        var out: [UInt8] = []
        for entry in entries {
            guard entry.count <= Int(UInt16.max) else { return nil }
            out.append(UInt8(entry.count >> 8))
            out.append(UInt8(entry.count & 0xff))
            out += entry
        }
        return out
    }

    /// Decodes a bundle; nil when it is truncated.
    public static func decode(_ bundle: [UInt8]) -> [[UInt8]]? {
        var entries: [[UInt8]] = []
        var offset = 0
        while offset < bundle.count {
            guard offset + 2 <= bundle.count else { return nil }
            let length = Int(bundle[offset]) << 8 | Int(bundle[offset + 1])
            offset += 2
            guard offset + length <= bundle.count else { return nil }
            entries.append(Array(bundle[offset..<offset + length]))
            offset += length
        }
        return entries
    }
}
