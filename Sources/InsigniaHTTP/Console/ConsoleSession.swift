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

    /// Who is signed in, for the header: the key's id prefix, or the dashboard user's role.
    var who: String {
        if let keyID = principal.apiKeyID { return "key \(keyID.prefix(8))" }
        return principal.role.map { "Clerk user (\($0.rawValue))" } ?? ""
    }

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

    /// Clerk's session token cookie, which its frontend sets on the site's domain.
    static let clerk = "__session"

    /// Clerk's session token, if the request carries one of plausible size (a JWT; Clerk's are a
    /// few hundred bytes to a few kilobytes).
    static func clerkSession(_ request: Request) -> String? {
        guard let value = request.cookies[clerk]?.value, !value.isEmpty, value.utf8.count <= 16_384 else { return nil }
        return value
    }

    static func read(_ name: String, _ request: Request) -> String? {
        guard let value = request.cookies[name]?.value, !value.isEmpty, value.utf8.count <= 128 else { return nil }
        return value
    }
}

extension ConsoleSessionService.Opened {
    /// To the overview with the new session's cookie, clearing the sign-in form's.
    func redirect(secure: Bool) -> Response {
        var response = ConsoleLayout.redirect(
            "/console/overview", setCookie: ConsoleCookies.set(ConsoleCookies.session, sessionID, secure: secure, maxAge: ConsoleSessionService.absoluteSeconds)
        )
        response.headers.append(HTTPField(name: .setCookie, value: ConsoleCookies.clear(ConsoleCookies.signIn, secure: secure)))
        return response
    }
}
