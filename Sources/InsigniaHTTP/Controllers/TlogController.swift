import BadgeCore
import HTTPTypes
import Hummingbird
import NIOCore
import Registry

/// The badge transparency log's public routes (issue #13): C2SP tlog-tiles under `/tlog/`, the
/// verifier key, inclusion proofs for badge holders and lookups. No credential: transparency is
/// for everyone. With the log off (`LOG_ENABLED=false`) every route answers 404.
struct TlogController {
    let log: TransparencyLogService?

    static let immutable: HTTPFields = [.cacheControl: "public, max-age=31536000, immutable"]
    static let shortLived: HTTPFields = [.cacheControl: "public, max-age=1"]

    func register(on limited: RouterGroup<AppRequestContext>) {
        limited.get("/tlog/checkpoint") { _, _ in try await checkpoint() }
        limited.get("/tlog/vkey") { _, _ in try text(enabled().verifierKey.description + "\n", headers: [.cacheControl: "public, max-age=300"]) }
        limited.get("/tlog/tile/**") { _, context in try await tile(context) }
        limited.get("/v1/badges/{jti}/proof") { request, context in try await proof(request, context) }
        limited.get("/v1/tlog/entries") { request, _ in try await entries(request) }
    }

    private func enabled() throws -> TransparencyLogService {
        guard let log else { throw RegistryError(.notFound, "the transparency log is disabled on this server (LOG_ENABLED=false)") }
        return log
    }

    private func text(_ body: String, headers: HTTPFields) -> Response {
        var fields = headers
        fields[.contentType] = "text/plain; charset=utf-8"
        return Response(status: .ok, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    private func checkpoint() async throws -> Response {
        guard let stored = try await enabled().checkpoint() else { throw RegistryError(.notFound, "no checkpoint has been signed yet") }
        return text(stored.note, headers: Self.shortLived)
    }

    private func tile(_ context: AppRequestContext) async throws -> Response {
        let log = try enabled()
        let rest = context.parameters.getCatchAll().joined(separator: "/")
        guard let path = TilePath.parse(Substring(rest)) else {
            throw RegistryError.invalidRequest("not a C2SP tlog-tiles path: tile/<L>/<N>[.p/<W>] or tile/entries/<N>[.p/<W>]")
        }
        let bytes = try await log.tile(path)
        var headers = path.isFull ? Self.immutable : Self.shortLived
        headers[.contentType] = "application/octet-stream"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    private func proof(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let log = try enabled()
        let inclusion: LogInclusion
        do {
            inclusion = try await log.proof(jti: try context.pathParameter("jti"))
        } catch let error as RegistryError where error.code == .notYetLogged {
            return APIResponse.error(status: .notFound, code: .notYetLogged, message: error.message, headers: [.retryAfter: "1"])
        }
        let wantsJSON = request.headers[.accept]?.contains("application/json") == true
        guard wantsJSON else { return text(inclusion.proofText, headers: [.cacheControl: "no-store"]) }
        return APIResponse.json([
            "index": .int(inclusion.entry.index), "entry": .string(inclusion.entry.record.data),
            "leaf_hash": .string(Base64Std.encode(inclusion.leafHash)),
            "inclusion": .array(inclusion.inclusion.map { .string(Base64Std.encode($0)) }), "checkpoint": .string(inclusion.checkpoint),
        ], headers: [.cacheControl: "no-store"])
    }

    private func entries(_ request: Request) async throws -> Response {
        let log = try enabled()
        let query = request.uri.queryParameters
        let jti = query["jti"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let sub = query["sub"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        guard (jti == nil) != (sub == nil) else { throw RegistryError.invalidRequest("give exactly one of jti or sub") }
        let found = try await log.lookup(jti: jti, subject: sub)
        return APIResponse.json(["entries": .array(found.map { entry in
            ["index": .int(entry.index), "jti": .string(entry.record.jti), "sub": .string(entry.record.subject), "type": .string(entry.record.type)]
        })], headers: [.cacheControl: "no-store"])
    }
}
