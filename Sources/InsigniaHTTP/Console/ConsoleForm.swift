import Foundation
import Hummingbird
import Registry

/// The fields of an `application/x-www-form-urlencoded` body (the console's forms), or of a query.
struct ConsoleForm: Sendable {
    private(set) var fields: [String: String] = [:]

    /// No fields.
    static let empty = ConsoleForm()
    private init() {}

    /// A field's value, trimmed; nil when absent or blank.
    subscript(_ name: String) -> String? {
        guard let value = fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    /// Parses `a=1&b=x+y` (later repeats of a name win). Undecodable pairs are refused, and so is
    /// a NUL anywhere, as the JSON API refuses them.
    init(encoded: Substring) throws {
        for pair in encoded.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]), let value = Self.decode(parts.count > 1 ? parts[1] : "") else {
                throw RegistryError.invalidRequest("the form is not validly encoded")
            }
            guard !name.contains("\0"), !value.contains("\0") else { throw RegistryError(.invalidInput, "the form contains a NUL character") }
            fields[name] = value
        }
    }

    /// The body of a form post, at most `limit` bytes (413 beyond); any other media type is 415.
    static func body(_ request: Request, limit: Int) async throws -> ConsoleForm {
        let type = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard type == "application/x-www-form-urlencoded" else {
            throw RegistryError(.unsupportedMediaType, "this form must be sent as application/x-www-form-urlencoded")
        }
        var request = request
        let buffer = try await JSONBody.collect(&request, limit: limit)
        return try ConsoleForm(encoded: Substring(String(decoding: buffer.readableBytesView, as: UTF8.self)))
    }

    /// The request's query string as fields.
    static func query(_ request: Request) throws -> ConsoleForm {
        try ConsoleForm(encoded: Substring(request.uri.query ?? ""))
    }

    private static func decode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}

/// Builds `?a=1&b=2` for links that keep a list's filters in the URL (so views can be bookmarked).
enum ConsoleQuery {
    static func string(_ items: [(String, String?)]) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let pairs = items.compactMap { name, value in
            value.map { "\(name)=\($0.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }
        }
        return pairs.isEmpty ? "" : "?" + pairs.joined(separator: "&")
    }
}
