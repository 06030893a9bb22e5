import BadgeCore
import Hummingbird
import Registry

/// NUL characters (U+0000) never get past the edge: PostgreSQL cannot store them in text
/// columns (every such request used to end in a 500), and no identifier, name or token of ours
/// contains one. One rule for every route, at the two places input arrives:
///
/// - the request target: `NULRefusalMiddleware` refuses a path or query holding `%00` (the only
///   way to write NUL there: HTTP forbids the raw byte, and paths and queries are decoded once);
/// - JSON bodies: `JSONBody.parse` refuses a string or member name holding NUL (`\u0000`; raw
///   control characters are already invalid JSON).
///
/// Both answer `400 invalid_input`.
enum NULRefusal {
    static func error(_ place: String) -> RegistryError {
        RegistryError(.invalidInput, "\(place) contains a NUL character (U+0000), which is never valid input")
    }

    /// Whether the raw request target holds a percent-encoded NUL.
    static func targetContainsNUL(_ target: String) -> Bool {
        var previous: (UInt8, UInt8) = (0, 0)
        for byte in target.utf8 {
            if previous == (UInt8(ascii: "%"), UInt8(ascii: "0")) && byte == UInt8(ascii: "0") { return true }
            previous = (previous.1, byte)
        }
        return false
    }

    /// Whether any string or member name in `value` holds NUL.
    static func containsNUL(_ value: JSONValue) -> Bool {
        switch value {
        case .string(let string): string.utf8.contains(0)
        case .array(let items): items.contains(where: containsNUL)
        case .object(let members): members.contains { $0.key.utf8.contains(0) || containsNUL($0.value) }
        case .null, .bool, .int, .double: false
        }
    }
}

/// Refuses a request whose path or query holds `%00`, before routing (see `NULRefusal`).
struct NULRefusalMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if NULRefusal.targetContainsNUL(request.uri.string) { throw NULRefusal.error("the request path or query") }
        return try await next(request, context)
    }
}
