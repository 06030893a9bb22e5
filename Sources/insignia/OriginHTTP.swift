import BadgeCore
import Foundation
import InsigniaApp
import Outbound

/// A command's failure, one line for the operator.
struct CommandError: Error, OperatorFacingError {
    let description: String
    init(_ description: String) { self.description = description }
}

/// GETs below `<origin><base>` through the SSRF-hardened fetcher (loopback allowed: talking to a
/// local server is normal; other private addresses stay blocked).
struct OriginHTTP {
    let origin: String
    /// Path prefix every request path is appended to, e.g. `/tlog/`.
    var base = "/"
    /// The largest accepted body.
    var maxBodyBytes = 4 << 20

    var policy: FetchPolicy {
        let port = URLComponents(string: origin)?.port ?? (origin.hasPrefix("https:") ? 443 : 80)
        return FetchPolicy(
            allowedSchemes: ["http", "https"], allowedPorts: [port], maxBodyBytes: maxBodyBytes, connectTimeout: .seconds(10),
            totalTimeout: .seconds(60), accept: nil, allowLoopbackForDevelopment: true
        )
    }

    /// The URL of `path`.
    func url(_ path: String) -> String {
        origin.trimmingSuffix("/") + base + path
    }

    /// The body, or nil for a 404.
    func get(_ path: String) async throws -> [UInt8]? {
        let result: Result<FetchResponse, FetchError>
        do {
            result = .success(try await SafeHTTPFetcher().get(url(path), policy: policy))
        } catch {
            result = .failure(error)
        }
        switch result {
        case .success(let response): return response.body
        case .failure(let error) where error.code == .httpStatus && error.message == "HTTP status 404": return nil
        case .failure(let error): throw error
        }
    }

    func require(_ path: String) async throws -> [UInt8] {
        guard let body = try await get(path) else { throw CommandError("\(url(path)) answered 404") }
        return body
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}

extension TrustSnapshotError: OperatorFacingError {}
