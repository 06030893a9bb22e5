import HTTPTypes

/// Headers of everything served to browsers (Swagger UI, the console and their files).
enum BrowserHeaders {
    /// Only this origin, no inline script or style, no framing, no plugins; forms post only here.
    /// `img-src data:` is for the icons Swagger UI's stylesheet embeds.
    static let contentSecurityPolicy =
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    /// Set on every browser response.
    static var common: HTTPFields {
        var headers = HTTPFields()
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        headers[.xContentTypeOptions] = "nosniff"
        headers[.init("Referrer-Policy")!] = "no-referrer"
        headers[.init("X-Frame-Options")!] = "DENY"
        return headers
    }

    /// An HTML page: never cached (it may show secrets once, e.g. a new API key).
    static var page: HTTPFields {
        var headers = common
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return headers
    }
}
