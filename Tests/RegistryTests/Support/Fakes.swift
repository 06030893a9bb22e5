import BadgeCore
import Foundation
import Registry

/// The CA's private keys held in memory (what `FileCAKeys` does with key files).
struct MemoryCAKeys: CASigningKeys {
    let keys: [String: PrivateJWK]

    func signer(kid: String) async throws -> (any JWSSigner)? {
        keys[kid].map { Ed25519Signer(key: $0, kid: kid) }
    }
}

/// Fixed DID documents for `did:web` DIDs of other hosts; remembers which DIDs were invalidated.
final class StaticDIDResolver: DIDResolving, DIDCacheInvalidating, @unchecked Sendable {
    // @unchecked: every stored property is only touched under `lock`.
    private let lock = NSLock()
    private var documents: [String: DIDDocument]
    private var invalidatedDIDs: [String] = []
    private var resolutions = 0

    init(_ documents: [String: DIDDocument] = [:]) { self.documents = documents }

    func serve(_ document: DIDDocument) { lock.withLock { documents[document.id] = document } }
    var invalidated: [String] { lock.withLock { invalidatedDIDs } }
    /// How many times `resolve` was asked.
    var resolveCount: Int { lock.withLock { resolutions } }

    func resolve(_ did: String) async throws -> DIDDocument {
        let document = lock.withLock { () -> DIDDocument? in
            resolutions += 1
            return documents[did]
        }
        guard let document else {
            throw RegistryError(.didResolutionFailed, "unknown test DID")
        }
        return document
    }

    func invalidate(_ did: String) { lock.withLock { invalidatedDIDs.append(did) } }
}

/// A domain validator over published content in memory: what each challenge target (HTTP-01 URL
/// or DNS-01 record name) serves. Compares as the real validator does (CONTRACT.md §5.9).
final class FakeDomainValidator: DomainValidating, @unchecked Sendable {
    // @unchecked: `published` and `checks` are only touched under `lock`.
    private let lock = NSLock()
    private var published: [String: String] = [:]
    private var checks = 0

    func publish(_ content: String, at target: String) { lock.withLock { published[target] = content } }
    /// Publishes the expected content of `order`.
    func publish(for order: DVOrder) { publish(order.expectedContent, at: DVChallenge(order).target) }
    var checkCount: Int { lock.withLock { checks } }

    func check(_ challenge: DVChallenge) async -> DVCheckResult {
        let content = lock.withLock { () -> String? in
            checks += 1
            return published[challenge.target]
        }
        guard let content else { return DVCheckResult(passed: false, target: challenge.target, detail: "nothing published") }
        let passed = DVContent.matches(content, challenge: challenge, acceptBareToken: false, trimNewline: true)
        return DVCheckResult(passed: passed, target: challenge.target, detail: passed ? "ok" : "content does not match")
    }
}

extension DVChallenge {
    init(_ order: DVOrder) {
        self.init(type: order.challengeType, domain: order.domain, token: order.token, expected: order.expectedContent)
    }
}
