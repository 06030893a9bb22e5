import Foundation
import HTTPTypes
import Hummingbird
import Registry

/// The router's (method, path pattern) table, filled once the routes are registered, so a request
/// for a known path with a method it does not take gets `405` with `Allow` instead of `404`.
final class RouteTable: @unchecked Sendable {
    private let lock = NSLock()
    /// Path pattern segments ("{id}" and "*" match one segment, "**" the rest) → methods.
    private var patterns: [(segments: [Substring], methods: Set<HTTPRequest.Method>)] = []

    /// Loads the routes; GET routes also answer HEAD (the router generates those endpoints).
    func load(_ routes: [(method: HTTPRequest.Method, path: String)]) {
        var byPath: [String: Set<HTTPRequest.Method>] = [:]
        for route in routes {
            byPath[route.path, default: []].insert(route.method)
            if route.method == .get { byPath[route.path, default: []].insert(.head) }
        }
        lock.withLock { patterns = byPath.map { (Self.segments($0.key), $0.value) } }
    }

    /// The methods the most specific pattern matching `path` takes; empty when no route matches.
    func methods(for path: String) -> Set<HTTPRequest.Method> {
        let segments = Self.segments(path)
        var best: (rank: [Int], methods: Set<HTTPRequest.Method>)?
        for pattern in lock.withLock({ patterns }) {
            guard let rank = Self.rank(pattern.segments, segments) else { continue }
            if let current = best, !current.rank.lexicographicallyPrecedes(rank) {
                if current.rank == rank { best?.methods.formUnion(pattern.methods) }
                continue
            }
            best = (rank, pattern.methods)
        }
        return best?.methods ?? []
    }

    private static func segments(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }

    /// Per segment 2 for a literal match, 1 for a parameter, 0 for a wildcard; nil when no match
    /// (literal routes win over parameters, as in the router's trie).
    private static func rank(_ pattern: [Substring], _ path: [Substring]) -> [Int]? {
        var rank: [Int] = []
        for (index, part) in pattern.enumerated() {
            if part == "**" { return rank + [0] }
            guard index < path.count else { return nil }
            if part == "*" { rank.append(0) }
            else if part.hasPrefix("{") || part.hasPrefix(":") { rank.append(1) }
            else if part == path[index] { rank.append(2) }
            else { return nil }
        }
        return pattern.count == path.count ? rank : nil
    }
}

/// Turns the router's "no such route" into `405 method_not_allowed` with `Allow` when the path is
/// known under other methods.
struct MethodNotAllowedMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = routes.methods(for: request.uri.path)
            guard !allowed.isEmpty, !allowed.contains(request.method) else { throw error }
            let allow = allowed.map(\.rawValue).sorted().joined(separator: ", ")
            throw MethodNotAllowedError(method: request.method.rawValue, allow: allow)
        }
    }
}

/// A known path asked with a method it does not take; `allow` becomes the `Allow` header.
struct MethodNotAllowedError: Error {
    let method: String
    let allow: String
}
