import BadgeCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Registry

/// The signed trust snapshot's public routes (issue #14): the snapshot (or a delta since a
/// sequence) and the JWKS of the keys that sign it. No credential: verifiers fetch them anywhere.
struct TrustSnapshotController {
    let publisher: TrustSnapshotPublisher
    /// The full snapshot's body, kept until the publisher signs a new one (a snapshot with many
    /// revocations is megabytes: copied once per signing, not once per request).
    private let body = BodyCache()

    init(publisher: TrustSnapshotPublisher) {
        self.publisher = publisher
    }

    /// A proxy may keep an answer one second: a change still shows everywhere within the two the
    /// replicas' polling allows.
    static let headers: HTTPFields = [.contentType: "application/jwt", .cacheControl: "public, max-age=1"]
    /// The largest `since` accepted: a sequence is a JSON integer (Int64).
    static let sinceDigits = 19

    func register(on limited: RouterGroup<AppRequestContext>) {
        limited.get("/v1/trust/snapshot") { request, _ in try await snapshot(request) }
        limited.get("/v1/trust/snapshot-keys") { _, _ in keys() }
    }

    private func snapshot(_ request: Request) async throws -> Response {
        guard let since = try Self.since(request.uri.queryParameters["since"].map(String.init)) else {
            let full = try await publisher.full()
            return Response(status: .ok, headers: Self.headers, body: ResponseBody(byteBuffer: body.buffer(for: full)))
        }
        let token = try await publisher.document(since: since)
        return Response(status: .ok, headers: Self.headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: token)))
    }

    /// `since` as a sequence: decimal digits only, within Int64; nil when absent.
    static func since(_ text: String?) throws -> Int64? {
        guard let text else { return nil }
        guard !text.isEmpty, text.utf8.count <= sinceDigits, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let value = Int64(text) else {
            throw RegistryError.invalidRequest("since must be a trust-state sequence: a non-negative integer below 2^63")
        }
        return value
    }

    private func keys() -> Response {
        let jwks: JSONValue = ["keys": .array(publisher.publicKeys.map { $0.key.json(kid: $0.kid, alg: true, use: true) })]
        return APIResponse.json(jwks, headers: [.cacheControl: "public, max-age=300"])
    }

    private final class BodyCache: @unchecked Sendable {
        private let lock = NSLock()
        private var cached: (generation: Int, buffer: ByteBuffer)?

        func buffer(for signed: TrustSnapshotPublisher.Signed) -> ByteBuffer {
            if let cached = lock.withLock({ cached }), cached.generation == signed.generation { return cached.buffer }
            let buffer = ByteBuffer(bytes: signed.bytes)
            lock.withLock { if (cached?.generation ?? 0) < signed.generation { cached = (signed.generation, buffer) } }
            return buffer
        }
    }
}
