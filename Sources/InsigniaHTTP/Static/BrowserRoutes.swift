/// Which routes are for browsers rather than API clients. They stay out of `openapi.json`: the
/// document describes the JSON API (schemathesis checks it live), while these answer HTML, CSS,
/// JavaScript or redirects. The rule is by path, so a route cannot slip out of the document by
/// accident: everything under `/console` and the Swagger UI files listed in `StaticAssets`.
/// (`/swagger/index.html` itself stays documented, as it always was.)
public enum BrowserRoutes {
    public static func isBrowserOnly(_ path: String) -> Bool {
        path == "/console" || path.hasPrefix("/console/") || StaticAssets.isAsset(path)
    }
}
