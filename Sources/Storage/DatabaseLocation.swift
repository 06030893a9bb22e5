import Foundation
import Logging
import PostgresNIO

/// Where the data lives, parsed from `DATABASE_URL`.
public enum DatabaseLocation: Sendable, Equatable {
    /// A SQLite file (nil: a private in-memory database, for tests).
    case sqlite(path: String?)
    /// A PostgreSQL server, as a `postgres://` / `postgresql://` URL.
    case postgres(url: String)

    /// The default when `DATABASE_URL` is unset.
    public static let defaultSQLitePath = "./data/insignia.sqlite"

    /// The PostgreSQL pool's default size: four connections per core, at least 8. A statement's
    /// round trip is mostly waiting (on the backend, the scheduler, fsync), so a pool sized to the
    /// cores runs dry: on 2 cores, 4 connections gave status lookups ~5.4 k/s and 8–16 gave ~7.1–7.6 k/s
    /// (`scripts/bench`); 48 was slower again.
    public static let defaultPostgresPoolSize = max(8, 4 * ProcessInfo.processInfo.activeProcessorCount)

    /// A malformed `DATABASE_URL`; the message is safe to print (no password).
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// Parses `DATABASE_URL`: `postgres://…` / `postgresql://…`, `sqlite:///abs/path`,
    /// `sqlite://rel/path`, `sqlite::memory:`, or nil/empty for the default SQLite file.
    public static func parse(_ value: String?) throws -> DatabaseLocation {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
            return .sqlite(path: defaultSQLitePath)
        }
        if value.hasPrefix("postgres://") || value.hasPrefix("postgresql://") {
            _ = try postgresConfiguration(value)
            return .postgres(url: value)
        }
        if value == "sqlite::memory:" { return .sqlite(path: nil) }
        if value.hasPrefix("sqlite://") {
            let path = String(value.dropFirst("sqlite://".count))
            guard !path.isEmpty, !path.hasSuffix("/") else {
                throw ParseError(description: "DATABASE_URL: sqlite URL needs a file path, e.g. sqlite:///var/lib/insignia/db.sqlite")
            }
            return .sqlite(path: path)
        }
        throw ParseError(description: "DATABASE_URL: expected postgres://, postgresql:// or sqlite:// (got scheme '\(value.prefix(while: { $0 != ":" }))')")
    }

    /// PostgresNIO configuration for a `postgres://user:pass@host:port/db?sslmode=…&search_path=…` URL,
    /// with at most `poolSize` connections (a `pool_max` query parameter overrides it).
    static func postgresConfiguration(_ url: String, poolSize: Int = defaultPostgresPoolSize) throws -> PostgresClient.Configuration {
        guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty else {
            throw ParseError(description: "DATABASE_URL: not a valid postgres URL (need postgres://user@host/db)")
        }
        let user = components.user?.removingPercentEncoding ?? "postgres"
        let password = components.password?.removingPercentEncoding
        var database = String(components.path.drop(while: { $0 == "/" }))
        if database.isEmpty { database = user }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        let tls: PostgresClient.Configuration.TLS
        switch query["sslmode"] ?? "prefer" {
        case "disable": tls = .disable
        case "prefer", "allow": tls = .prefer(.makeClientConfiguration())
        case "require", "verify-ca", "verify-full": tls = .require(.makeClientConfiguration())
        case let other: throw ParseError(description: "DATABASE_URL: unsupported sslmode '\(other)'")
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: user, password: password, database: database, tls: tls
        )
        if let searchPath = query["search_path"], !searchPath.isEmpty {
            configuration.options.additionalStartupParameters.append(("search_path", searchPath))
        }
        configuration.options.maximumConnections = poolSize
        if let max = query["pool_max"].flatMap(Int.init), max > 0 {
            configuration.options.maximumConnections = max
        }
        return configuration
    }
}
