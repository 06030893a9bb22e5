import BadgeCore
import Foundation
import Hummingbird
import NIOCore

/// The OpenAPI 3.1 document: `Sources/InsigniaHTTP/Resources/openapi.json`, edited by hand and
/// shipped in the target's resource bundle (`insignia_InsigniaHTTP.resources`, beside the binary).
public enum OpenAPIDocument {
    /// The resource bundle SwiftPM builds for this target, beside the executable (or the test runner).
    static let bundleName = "insignia_InsigniaHTTP.resources"

    /// The file's bytes, or one line saying where it was looked for. Found without SwiftPM's
    /// `Bundle.module`, which traps when the bundle is missing: a server deployed without it
    /// refuses to start with that line instead (see `Server`).
    public static let loaded: Result<[UInt8], MissingDocument> = {
        var directories = [Bundle.main.bundleURL]
        if let executable = CommandLine.arguments.first, executable.contains("/") {
            directories.append(URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent())
        }
        var candidates: [URL] = []
        for directory in directories {
            let candidate = directory.appendingPathComponent(bundleName).appendingPathComponent("openapi.json")
            if !candidates.contains(candidate) { candidates.append(candidate) }
        }
        for candidate in candidates {
            if let data = try? Data(contentsOf: candidate) { return .success(Array(data)) }
        }
        return .failure(MissingDocument(searched: candidates.map(\.path)))
    }()

    /// The document is not where the build puts it.
    public struct MissingDocument: Error, CustomStringConvertible {
        public let searched: [String]
        public var description: String {
            "openapi.json not found: deploy \(OpenAPIDocument.bundleName) beside the insignia binary (looked for \(searched.joined(separator: ", ")))"
        }
    }

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
