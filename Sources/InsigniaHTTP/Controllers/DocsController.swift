import BadgeCore
import Foundation
import Hummingbird
import NIOCore

/// The OpenAPI 3.1 document: `Sources/InsigniaHTTP/Resources/openapi.json`, edited by hand and
/// shipped in the target's resource bundle (`insignia_InsigniaHTTP.resources`, beside the binary).
public enum OpenAPIDocument {
    /// The file's bytes, read once (the first use is `buildRouter`, at start-up).
    public static let bytes: [UInt8] = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"),
              let data = try? Data(contentsOf: url) else {
            fatalError("openapi.json is missing from the InsigniaHTTP resource bundle (\(Bundle.module.bundlePath))")
        }
        return Array(data)
    }()

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
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: Self.page)))
        }
    }

    /// Swagger UI from its public CDN, pointed at our document.
    static let page = """
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <title>Insignia API</title>
          <link rel="stylesheet" href="https://unpkg.com/swagger-ui-dist@5/swagger-ui.css">
        </head>
        <body>
          <div id="swagger-ui"></div>
          <script src="https://unpkg.com/swagger-ui-dist@5/swagger-ui-bundle.js"></script>
          <script>window.ui = SwaggerUIBundle({ url: "/swagger/doc.json", dom_id: "#swagger-ui" });</script>
        </body>
        </html>
        """
}
