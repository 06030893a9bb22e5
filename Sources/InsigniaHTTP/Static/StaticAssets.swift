import Hummingbird
import NIOCore

/// A file served to browsers as it is in the resource bundle.
public struct StaticAsset: Sendable {
    let body: ByteBuffer
    let contentType: String
}

/// The browser files the server ships: the pinned Swagger UI build (`Resources/swagger`, see its
/// README) and our own console and Swagger UI initialiser files (`Resources/web`), by route.
public enum StaticAssets {
    /// Route → (file in the bundle, content type).
    static let files: [(route: String, file: String, type: String)] = [
        ("/swagger/swagger-ui.css", "swagger/swagger-ui.css", "text/css; charset=utf-8"),
        ("/swagger/swagger-ui-bundle.js", "swagger/swagger-ui-bundle.js", "text/javascript; charset=utf-8"),
        ("/swagger/LICENSE", "swagger/LICENSE", "text/plain; charset=utf-8"),
        ("/swagger/swagger-initializer.js", "web/swagger-initializer.js", "text/javascript; charset=utf-8"),
        ("/console/assets/console.css", "web/console.css", "text/css; charset=utf-8"),
        ("/console/assets/console.js", "web/console.js", "text/javascript; charset=utf-8"),
    ]

    /// Every asset by route, or the first one missing (`insignia serve` refuses to start then).
    public static let loaded: Result<[String: StaticAsset], BundledResources.MissingResource> = {
        var assets: [String: StaticAsset] = [:]
        for file in files {
            switch BundledResources.read(file.file) {
            case .success(let bytes): assets[file.route] = StaticAsset(body: ByteBuffer(bytes: bytes), contentType: file.type)
            case .failure(let missing): return .failure(missing)
            }
        }
        return .success(assets)
    }()

    /// Registers a GET route per asset (none when the bundle is missing: the server does not start).
    static func register(on router: Router<AppRequestContext>) {
        let assets = (try? loaded.get()) ?? [:]
        for file in files {
            guard let asset = assets[file.route] else { continue }
            router.get(RouterPath(file.route)) { _, _ in
                var headers = BrowserHeaders.common
                headers[.contentType] = asset.contentType
                headers[.cacheControl] = "public, max-age=3600"
                return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: asset.body))
            }
        }
    }

    /// Whether `path` is a route of this list (browser files stay out of the OpenAPI document).
    public static func isAsset(_ path: String) -> Bool { files.contains { $0.route == path } }
}
