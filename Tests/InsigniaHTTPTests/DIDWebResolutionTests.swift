import BadgeCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Outbound
import Registry
import StoreConformance
import Testing

/// A did:web document host on 127.0.0.1 that counts the requests it gets.
final class DocumentHost: @unchecked Sendable {
    private let lock = NSLock()
    private var documents: [String: (body: String, contentType: String, status: HTTPResponse.Status)] = [:]
    private(set) var hits = 0
    /// When set, requests without exactly this `Authorization` header get 401 (and are counted).
    var requiredAuthorization: String?

    func serve(_ path: String, _ body: String, contentType: String = "application/did+json", status: HTTPResponse.Status = .ok) {
        lock.withLock { documents[path] = (body, contentType, status) }
    }

    var requestCount: Int { lock.withLock { hits } }

    /// Runs `body` with the host listening; passes its port.
    func run(_ body: @Sendable (Int) async throws -> Void) async throws {
        let router = Router()
        router.get("/health/ready") { _, _ in Response(status: .ok) }  // `awaitServing`, not counted
        router.get("**") { request, _ -> Response in
            let entry = self.lock.withLock { () -> (body: String, contentType: String, status: HTTPResponse.Status)? in
                self.hits += 1
                return self.documents[request.uri.path]
            }
            if let required = self.requiredAuthorization, request.headers[.authorization] != required {
                return Response(status: .unauthorized)
            }
            guard let entry else { return Response(status: .notFound) }
            var headers: HTTPFields = [.contentType: entry.contentType]
            if entry.status == .found { headers[.location] = "http://127.0.0.1:1/elsewhere" }
            return Response(status: entry.status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: entry.body)))
        }
        var logger = Logger(label: "doc-host")
        logger.logLevel = .critical
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
        try await app.test(.live) { client in
            try await client.awaitServing()
            try await body(client.port!)
        }
    }
}

@Suite struct DIDWebResolutionTests {
    /// A did:web on the loopback host, its document, and the key that controls it.
    static func document(port: Int, keys: AgentKeys, name: String = "bot", id: String? = nil) -> (did: String, json: String) {
        let did = DIDWeb.did(host: "127.0.0.1", port: port, path: ["agents", name])
        let doc = DIDDocument(
            id: id ?? did, verificationMethods: [VerificationMethod(id: did + "#key-1", controller: did, publicKey: keys.key.publicKey)],
            authentication: [did + "#key-1"], assertionMethod: [did + "#key-1"]
        )
        return (did, String(decoding: doc.json().serialized(), as: UTF8.self))
    }

    @Test(arguments: TestBackend.available)
    func ial1ForARemoteDIDWebThroughTheDevelopmentSwitch(backend: TestBackend) async throws {
        let host = DocumentHost()
        try await host.run { port in
            let keys = AgentKeys()
            let (did, json) = Self.document(port: port, keys: keys)
            host.serve("/agents/bot/did.json", json)
            let resolver = DIDWebResolver(allowLoopback: true)
            try await TestApp.run(backend, remoteDIDResolver: resolver) { app in
                let tenant = try await app.tenant()
                _ = try await app.popAgent(tenant, did: did)
                let challenge = try await app.challenge(tenant, did: did).json
                let proof = try await app.proof(challenge, keys: keys, did: did, kid: did + "#key-1")
                let response = try await app.submit(did: did, ["challenge_id": challenge["challenge_id"]!, "proof_jws": .string(proof)])
                #expect(response.status == .ok, "\(response.text)")
                #expect(response.data["cnf"] == ["kid": .string(did + "#key-1")])
                #expect(try await app.validate(response.data["token"]!.stringValue!)["valid"] == true)
                #expect(host.requestCount >= 1)
            }
        }
    }

    @Test func badDocumentsAreRejected() async throws {
        let host = DocumentHost()
        try await host.run { port in
            let keys = AgentKeys()
            let resolver = DIDWebResolver(allowLoopback: true, cacheSeconds: 0)
            let (did, json) = Self.document(port: port, keys: keys, name: "a")
            host.serve("/agents/a/did.json", json, contentType: "text/html")
            await #expect(throws: RegistryError(.didDocumentInvalid, "the DID document is not served as application/did+json or application/json")) {
                _ = try await resolver.resolve(did)
            }
            let (wrongDID, wrongJSON) = Self.document(port: port, keys: keys, name: "b", id: "did:web:evil.example")
            host.serve("/agents/b/did.json", wrongJSON)
            await #expect { _ = try await resolver.resolve(wrongDID) } throws: { ($0 as? RegistryError)?.code == .didDocumentInvalid }
            let (redirectDID, _) = Self.document(port: port, keys: keys, name: "c")
            host.serve("/agents/c/did.json", "", status: .found)
            await #expect { _ = try await resolver.resolve(redirectDID) } throws: { ($0 as? RegistryError)?.code == .didResolutionFailed }
            let (missingDID, _) = Self.document(port: port, keys: keys, name: "missing")
            await #expect { _ = try await resolver.resolve(missingDID) } throws: { ($0 as? RegistryError)?.code == .didResolutionFailed }
            host.serve("/agents/d/did.json", "{not json")
            await #expect { _ = try await resolver.resolve(Self.document(port: port, keys: keys, name: "d").did) } throws: {
                ($0 as? RegistryError)?.code == .didDocumentInvalid
            }
        }
    }

    @Test func withoutTheSwitchLoopbackIsNeverContacted() async throws {
        let host = DocumentHost()
        try await host.run { port in
            let keys = AgentKeys()
            let (did, json) = Self.document(port: port, keys: keys)
            host.serve("/agents/bot/did.json", json)
            let resolver = DIDWebResolver(allowLoopback: false)
            await #expect { _ = try await resolver.resolve(did) } throws: { ($0 as? RegistryError)?.code == .didResolutionFailed }
            #expect(host.requestCount == 0)
        }
    }

    @Test func documentsAreCachedAndInvalidated() async throws {
        let host = DocumentHost()
        try await host.run { port in
            let keys = AgentKeys()
            let (did, json) = Self.document(port: port, keys: keys)
            host.serve("/agents/bot/did.json", json)
            let resolver = DIDWebResolver(allowLoopback: true)
            _ = try await resolver.resolve(did)
            _ = try await resolver.resolve(did)
            #expect(host.requestCount == 1)
            resolver.invalidate(did)
            _ = try await resolver.resolve(did)
            #expect(host.requestCount == 2)
        }
    }
}
