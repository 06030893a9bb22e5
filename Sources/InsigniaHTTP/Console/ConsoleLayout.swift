import Foundation
import Hummingbird
import NIOCore
import Registry

/// The frame every console page shares: head, navigation, sign-out form, main content.
enum ConsoleLayout {
    /// The navigation, in order: (path, label).
    static let sections: [(path: String, label: String)] = [
        ("/console/overview", "Overview"), ("/console/agents", "Agents"), ("/console/servers", "MCP servers"),
        ("/console/badges", "Badges"), ("/console/dv/grants", "Domains"),
        ("/console/keys", "API keys"), ("/console/ca-keys", "CA keys"), ("/console/audit", "Audit"),
    ]

    /// A full page for a signed-in session (`session` nil: the sign-in page, no navigation).
    static func page(
        _ title: String, session: ConsoleSignedIn?, current: String? = nil, status: HTTPResponse.Status = .ok,
        refreshSeconds: Int? = nil, @HTMLBuilder content: () -> [HTML]
    ) -> Response {
        let html = el("html", ["lang": "en"]) {
            el("head") {
                HTML.void("meta", ["charset": "utf-8"])
                HTML.void("meta", ["name": "viewport", "content": "width=device-width, initial-scale=1"])
                if let refreshSeconds { HTML.void("meta", ["http-equiv": "refresh", "content": String(refreshSeconds)]) }
                el("title") { "\(title) · Insignia console" }
                HTML.void("link", ["rel": "stylesheet", "href": "/console/assets/console.css"])
                el("script", ["src": "/console/assets/console.js", "defer": ""])
            }
            el("body") {
                el("a", ["class": "skip", "href": "#main"]) { "Skip to content" }
                el("header") {
                    el("a", ["class": "brand", "href": "/console/overview"]) { "Insignia" }
                    if let session {
                        el("nav", ["aria-label": "Sections"]) {
                            el("ul") {
                                for section in sections {
                                    el("li") {
                                        el("a", ["href": section.path, "aria-current": section.path == current ? "page" : nil]) { section.label }
                                    }
                                }
                            }
                        }
                        el("form", ["method": "post", "action": "/console/sign-out", "class": "sign-out"]) {
                            session.csrfField
                            el("span", ["class": "who"]) { session.who }
                            el("button", ["type": "submit"]) { "Sign out" }
                        }
                    }
                }
                el("main", ["id": "main"]) {
                    el("h1") { title }
                    content()
                }
            }
        }
        return Response(status: status, headers: BrowserHeaders.page, body: ResponseBody(byteBuffer: ByteBuffer(string: HTML.document(html))))
    }

    /// 303 See Other to `location` (after a form post, and to the sign-in page).
    static func redirect(_ location: String, setCookie: String? = nil) -> Response {
        var headers = BrowserHeaders.common
        headers[.location] = location
        headers[.cacheControl] = "no-store"
        if let setCookie { headers[.setCookie] = setCookie }
        return Response(status: .seeOther, headers: headers)
    }

    /// A readable message for a refused action, with the status the API would answer.
    static func error(_ error: RegistryError, session: ConsoleSignedIn?) -> Response {
        page("Something went wrong", session: session, status: ErrorMapping.status(for: error.category)) {
            el("p", ["class": "error", "role": "alert"]) { message(error) }
            el("p") { el("a", ["href": "/console/overview"]) { "Back to the overview" } }
        }
    }

    /// What an operator should read for `error`: the API's message, said for people.
    static func message(_ error: RegistryError) -> String {
        switch error.code {
        case .insufficientScope, .insufficientRole: "You are not allowed to do this: \(error.message)."
        case .unauthorized: "Your session has ended. Sign in again."
        default: error.category == .internal ? "The server could not complete this request. Try again later." : "\(error.message.prefix(1).uppercased())\(error.message.dropFirst())."
        }
    }

    /// A time as `2026-12-06 04:55:00 UTC`.
    static func time(_ seconds: Int64?) -> String {
        guard let seconds else { return "—" }
        return Timestamp.rfc3339(seconds).replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: " UTC")
    }

    /// `<input type=datetime-local>` text (`YYYY-MM-DDTHH:MM[:SS]`), read as UTC.
    static func parseTime(_ text: String?) throws -> Int64? {
        guard let text else { return nil }
        let full = text.count == 16 ? text + ":00Z" : text + "Z"
        guard text.count <= 19, let seconds = Timestamp.parse(full) else {
            throw RegistryError.invalidRequest("'\(text.prefix(40))' is not a date and time (YYYY-MM-DDTHH:MM, UTC)")
        }
        return seconds
    }

    /// A duration as `2 d 4 h` / `3 h 5 min` / `7 min` / `12 s` (a log checkpoint is seconds old).
    static func age(_ seconds: Int64) -> String {
        let s = max(0, seconds)
        if s >= 86_400 { return "\(s / 86_400) d \(s % 86_400 / 3600) h" }
        if s >= 3600 { return "\(s / 3600) h \(s % 3600 / 60) min" }
        return s >= 60 ? "\(s / 60) min" : "\(s) s"
    }
}
