import BadgeCore
import Hummingbird
import NIOCore

/// The OpenAPI document and a Swagger UI page.
struct DocsController {
    func register(on router: Router<AppRequestContext>) {
        for path in ["/swagger/doc.json", "/openapi.json"] {
            router.get(RouterPath(path)) { _, _ in
                Response(
                    status: .ok, headers: [.contentType: APIResponse.jsonContentType],
                    body: ResponseBody(byteBuffer: ByteBuffer(string: OpenAPIDocument.json))
                )
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
