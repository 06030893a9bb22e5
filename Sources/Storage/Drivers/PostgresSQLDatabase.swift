import Logging
import Registry
import NIOCore
import PostgresNIO

/// PostgreSQL behind `SQLDatabase`, on a `PostgresClient` connection pool.
///
/// The client must be running (`run()`) before the first statement; `PostgresClientService`
/// does that inside the service group.
public final class PostgresSQLDatabase: SQLDatabase {
    public let dialect = SQLDialect.postgres
    public let client: PostgresClient
    private let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        try await Self.translatingErrors {
            let rows = try await client.query(Self.makeQuery(sql, binds), logger: logger)
            return try await Self.collect(rows)
        }
    }

    public func query<Statement: FixedSQL>(_: Statement.Type, _ binds: [SQLValue]) async throws -> [SQLRow] {
        try await Self.translatingErrors {
            try await Self.collect(try await client.execute(Prepared<Statement>(binds: binds), logger: logger))
        }
    }

    public func transaction<T: Sendable>(lock: Int64?, _ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        try await Self.translatingErrors {
            try await client.withTransaction(logger: logger) { connection in
                let executor = ConnectionExecutor(connection: connection, logger: logger)
                if let lock {
                    try await executor.query("SELECT pg_advisory_xact_lock($1)", [.int(lock)])
                }
                return try await body(executor)
            }
        }
    }

    public func close() async {
        // The pool stops with the task that runs it.
    }

    static func makeQuery(_ sql: String, _ binds: [SQLValue]) -> PostgresQuery {
        PostgresQuery(unsafeSQL: sql, binds: makeBindings(binds))
    }

    static func makeBindings(_ binds: [SQLValue]) -> PostgresBindings {
        var bindings = PostgresBindings(capacity: binds.count)
        for value in binds {
            switch value {
            case .null: bindings.appendNull()
            case .int(let i): bindings.append(i)
            case .double(let d): bindings.append(d)
            case .text(let s): bindings.append(s)
            case .texts(let values): bindings.append(PostgresColumnArray(elements: .texts(values)))
            case .ints(let values): bindings.append(PostgresColumnArray(elements: .ints(values)))
            }
        }
        return bindings
    }

    static func collect(_ rows: PostgresRowSequence) async throws -> [SQLRow] {
        var result: [SQLRow] = []
        for try await row in rows { result.append(try sqlRow(row)) }
        return result
    }

    /// The rows of a prepared statement, already decoded by `Prepared.decodeRow`.
    static func collect(_ rows: AsyncThrowingMapSequence<PostgresRowSequence, SQLRow>) async throws -> [SQLRow] {
        var result: [SQLRow] = []
        for try await row in rows { result.append(row) }
        return result
    }

    static func sqlRow(_ row: PostgresRow) throws -> SQLRow {
        var values: [String: SQLValue] = [:]
        values.reserveCapacity(row.count)
        // PostgreSQL folds unquoted identifiers to lower case and no statement quotes one, so
        // names arrive as `SQLRow` expects them (no per-cell lowercasing on the hot path).
        for cell in row {
            values[cell.columnName] = try decode(cell)
        }
        return SQLRow(values: values)
    }

    private static func decode(_ cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8: return .int(try cell.decode(Int64.self))
        case .float4, .float8, .numeric: return .double(try cell.decode(Double.self))
        case .bool: return .int(try cell.decode(Bool.self) ? 1 : 0)
        default: return .text(try cell.decode(String.self))
        }
    }

    /// Unwraps transaction errors and turns unique violations into `StoreError.uniqueViolation`
    /// named `table.column`, the same form SQLite reports.
    static func translatingErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PostgresTransactionError {
            throw translate(error.closureError ?? error.commitError ?? error.beginError ?? error)
        } catch {
            throw translate(error)
        }
    }

    private static func translate(_ error: any Error) -> any Error {
        guard let psql = error as? PSQLError, let info = psql.serverInfo,
              info[.sqlState] == "23505"
        else { return error }
        let table = info[.tableName] ?? "?"
        // detail: "Key (did)=(did:key:…) already exists."
        var column = "?"
        if let detail = info[.detail], let open = detail.firstIndex(of: "("), let close = detail.firstIndex(of: ")") {
            column = String(detail[detail.index(after: open)..<close])
        }
        return StoreError.uniqueViolation(constraint: "\(table).\(column)")
    }

    private struct ConnectionExecutor: SQLExecutor {
        let connection: PostgresConnection
        let logger: Logger
        var dialect: SQLDialect { .postgres }
        func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
            let rows = try await connection.query(PostgresSQLDatabase.makeQuery(sql, binds), logger: logger)
            return try await PostgresSQLDatabase.collect(rows)
        }

        func query<Statement: FixedSQL>(_: Statement.Type, _ binds: [SQLValue]) async throws -> [SQLRow] {
            try await PostgresSQLDatabase.collect(try await connection.execute(Prepared<Statement>(binds: binds), logger: logger))
        }
    }

    /// A `FixedSQL` statement as PostgresNIO prepares it: once per connection, under the
    /// statement type's name, its bind types taken from the first run's binds.
    private struct Prepared<Statement: FixedSQL>: PostgresPreparedStatement {
        static var name: String { "insignia.\(Statement.self)" }
        static var sql: String { Statement.sql }
        let binds: [SQLValue]
        func makeBindings() -> PostgresBindings { PostgresSQLDatabase.makeBindings(binds) }
        func decodeRow(_ row: PostgresRow) throws -> SQLRow { try PostgresSQLDatabase.sqlRow(row) }
    }
}
