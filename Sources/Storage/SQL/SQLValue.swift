/// A value bound into, or read out of, a SQL statement. The schema sticks to types both databases
/// share (BIGINT, INTEGER, TEXT), so this small set covers everything.
public enum SQLValue: Sendable, Equatable {
    case null
    case int(Int64)
    case double(Double)
    case text(String)
    /// A column of TEXT values bound as one PostgreSQL array (`$1::text[]`), so that a statement
    /// keeps one text however many rows it writes. Bind only: SQLite has no arrays and refuses it.
    case texts([String?])
    /// A column of BIGINT values bound as one PostgreSQL array (`$1::bigint[]`); see `texts`.
    case ints([Int64?])

    public static func optional(_ value: String?) -> SQLValue { value.map(SQLValue.text) ?? .null }
    public static func optional(_ value: Int64?) -> SQLValue { value.map(SQLValue.int) ?? .null }
}

/// One result row, columns by lower-case name.
public struct SQLRow: Sendable {
    public var values: [String: SQLValue]

    public init(values: [String: SQLValue]) { self.values = values }

    public func string(_ column: String) throws -> String {
        guard case .text(let s)? = values[column] else { throw SQLRowError.unexpected(column) }
        return s
    }

    public func optionalString(_ column: String) throws -> String? {
        switch values[column] {
        case .text(let s)?: return s
        case .null?, nil: return nil
        default: throw SQLRowError.unexpected(column)
        }
    }

    public func int(_ column: String) throws -> Int64 {
        guard let v = try optionalInt(column) else { throw SQLRowError.unexpected(column) }
        return v
    }

    public func optionalInt(_ column: String) throws -> Int64? {
        switch values[column] {
        case .int(let i)?: return i
        case .null?, nil: return nil
        default: throw SQLRowError.unexpected(column)
        }
    }
}

/// A column held a type the code did not expect: a schema/code mismatch, never user input.
public enum SQLRowError: Error, Sendable {
    case unexpected(String)
}
