import HTTPTypes
import Hummingbird
import Registry

/// A request made in a signed-in console session.
struct ConsoleSignedIn: Sendable {
    let principal: Principal
    /// The token every state-changing form of this session carries.
    let csrf: String
    /// The request context with `principal` set, for the same scope checks as the API.
    let context: AppRequestContext

    /// The hidden field with the anti-forgery token.
    var csrfField: HTML { HTML.void("input", ["type": "hidden", "name": "csrf", "value": csrf]) }

    /// The caller, if it may use `scope` (else `insufficient_scope`, as the API answers).
    func require(_ scope: String) throws -> Principal {
        try context.requirePrincipal(scope: scope)
    }

    /// A `POST` form to `action` with the anti-forgery token.
    func form(_ action: String, class className: String? = nil, @HTMLBuilder _ children: () -> [HTML]) -> HTML {
        el("form", ["method": "post", "action": action, "class": className]) {
            csrfField
            children()
        }
    }
}

/// The console's cookies: the session id, and the sign-in form's anti-forgery value.
enum ConsoleCookies {
    static let session = "insignia_console"
    static let signIn = "insignia_console_signin"

    /// `HttpOnly` (no script reads it), `SameSite=Strict` (no other site's page sends it), `Secure`
    /// when the issuer URL is https, scoped to `/console`, lasting at most the absolute lifetime.
    static func set(_ name: String, _ value: String, secure: Bool, maxAge: Int64) -> String {
        "\(name)=\(value); Path=/console; Max-Age=\(maxAge); HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    static func clear(_ name: String, secure: Bool) -> String { set(name, "", secure: secure, maxAge: 0) }

    static func read(_ name: String, _ request: Request) -> String? {
        guard let value = request.cookies[name]?.value, !value.isEmpty, value.utf8.count <= 128 else { return nil }
        return value
    }
}
