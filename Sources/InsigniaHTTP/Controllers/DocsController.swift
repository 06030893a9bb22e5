import BadgeCore
import Foundation
import Hummingbird
import NIOCore

/// The OpenAPI 3.1 document: `Sources/InsigniaHTTP/Resources/openapi.json`, edited by hand and
/// shipped in the target's resource bundle (see `BundledResources`).
public enum OpenAPIDocument {
    /// The file's bytes, or one line saying where it was looked for.
    public static let loaded: Result<[UInt8], BundledResources.MissingResource> = BundledResources.read("openapi.json")

    /// The file's bytes (empty when missing; `insignia serve` refuses to start then).
    public static var bytes: [UInt8] { (try? loaded.get()) ?? [] }

    /// The same bytes, ready to send (a shared copy-on-write buffer: no copy per request).
    static let buffer = ByteBuffer(bytes: bytes)
}

/// The OpenAPI document, served as is, and a Swagger UI page.
struct DocsController {
    func register(on router: Router<AppRequestContext>) {
        let document = OpenAPIDocument.buffer
        for path in ["/swagger/doc.json", "/openapi.json"] {
            router.get(RouterPath(path)) { _, _ in
                Response(status: .ok, headers: [.contentType: APIResponse.jsonContentType], body: ResponseBody(byteBuffer: document))
            }
        }
        router.get("/swagger/index.html") { _, _ in
            Response(status: .ok, headers: BrowserHeaders.page, body: ResponseBody(byteBuffer: ByteBuffer(string: Self.page)))
        }
    }

    /// The Swagger UI build shipped in the binary (`StaticAssets`), started by our own script file
    /// (no inline script: see `BrowserHeaders.contentSecurityPolicy`), pointed at our document.
    static let page = """
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <title>Insignia API</title>
          <link rel="stylesheet" href="/swagger/swagger-ui.css">
        </head>
        <body>
          <div id="swagger-ui"></div>
          <script src="/swagger/swagger-ui-bundle.js"></script>
          <script src="/swagger/swagger-initializer.js"></script>
        </body>
        </html>
        """
}
