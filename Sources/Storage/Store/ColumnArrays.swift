/// A table that a fixed PostgreSQL statement writes with each column bound as one array
/// (`INSERT … SELECT * FROM unnest($1::text[], …)`): the statement's text is the same however many
/// rows it writes, so it is prepared once per connection (`FixedSQL`). A `VALUES` list that grows
/// with the rows is parsed and planned again every time, at a cost that grows with it.
struct ColumnArrays {
    enum ColumnType: String {
        case text, bigint
    }

    let table: String
    let columns: [(name: String, type: ColumnType)]

    static let events = ColumnArrays(table: "audit_events", names: SQLColumns.event, bigint: ["created_at"])
    static let badges = ColumnArrays(table: "badges", names: SQLColumns.badge, bigint: ["issued_at", "expires_at", "revoked_at", "log_index"])
    static let agentEvents = ColumnArrays(table: "agent_events", names: SQLColumns.agentEvent, bigint: ["created_at"])

    private init(table: String, names: [String], bigint: Set<String>) {
        self.table = table
        columns = names.map { ($0, bigint.contains($0) ? .bigint : .text) }
    }

    /// `INSERT INTO table (columns) SELECT * FROM unnest($n::type[], …)`, its parameters numbered
    /// from `firstParameter`.
    func insert(firstParameter: Int) -> String {
        let arrays = columns.enumerated().map { "$\(firstParameter + $0.offset)::\($0.element.type.rawValue)[]" }
        return "INSERT INTO \(table) (\(columns.map(\.name).joined(separator: ", "))) SELECT * FROM unnest(\(arrays.joined(separator: ", ")))"
    }

    /// `rows` (each a row's values in column order) as one array per column. A value of another
    /// type than its column's is a mismatch between this list and the code that made the row.
    func arrays(_ rows: [[SQLValue]]) throws -> [SQLValue] {
        try columns.enumerated().map { offset, column in
            /// The column's values, NULL as nil, each read with `cast` (nil: another type).
            func values<Value>(_ cast: (SQLValue) -> Value?) throws -> [Value?] {
                try rows.map { row in
                    guard row[offset] != .null else { return nil }
                    guard let value = cast(row[offset]) else { throw SQLRowError.unexpected("\(table).\(column.name)") }
                    return value
                }
            }
            return switch column.type {
            case .text: .texts(try values { if case .text(let text) = $0 { text } else { nil } })
            case .bigint: .ints(try values { if case .int(let int) = $0 { int } else { nil } })
            }
        }
    }
}
