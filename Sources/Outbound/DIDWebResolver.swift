import BadgeCore
import Foundation
import Registry

/// Resolves `did:web` DIDs of other hosts over the SSRF-hardened fetcher (CONTRACT.md §8.2):
/// https on port 443 only, no redirects, ≤ 64 KiB, `application/did+json` or `application/json`,
/// document `id` equal to the DID. Documents are cached for at most five minutes and dropped
/// when a proof made with them fails (RFC-003 §9.6).
public final class DIDWebResolver: DIDResolving, DIDCacheInvalidating {
    let fetcher: any OutboundFetching
    let allowLoopback: Bool
    let cacheSeconds: Int64
    let now: @Sendable () -> Int64
    private let cache = Cache()

    /// `allowLoopback` is the development switch: documents on loopback hosts are fetched over
    /// plain http, on any port. Everything else stays https-only.
    public init(
        fetcher: any OutboundFetching = SafeHTTPFetcher(), allowLoopback: Bool, cacheSeconds: Int64 = 300,
        now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) {
        self.fetcher = fetcher
        self.allowLoopback = allowLoopback
        self.cacheSeconds = cacheSeconds
        self.now = now
    }

    public func resolve(_ did: String) async throws -> DIDDocument {
        if let cached = cache.get(did, now: now()) { return cached }
        guard var url = try? DIDWeb.documentURL(for: did) else {
            throw RegistryError(.invalidDID, "not a valid did:web")
        }
        if allowLoopback, let host = try? DIDWeb.parse(did).host, Self.isLoopbackHost(host) {
            url = "http://" + url.dropFirst("https://".count)
        }
        let response: FetchResponse
        do {
            response = try await fetcher.get(url, policy: .didDocument(allowLoopback: allowLoopback))
        } catch {
            throw RegistryError(.didResolutionFailed, "fetching the DID document failed: \(error.code.rawValue)")
        }
        let mediaType = response.contentType?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard mediaType == "application/did+json" || mediaType == "application/json" else {
            throw Self.invalid("the DID document is not served as application/did+json or application/json")
        }
        let document: DIDDocument
        do {
            document = try DIDDocument(json: try JSONValue.parse(response.body))
        } catch {
            throw Self.invalid("the DID document is not valid (\(error))")
        }
        guard document.id == did else { throw Self.invalid("the DID document's id is not the DID") }
        cache.set(did, document, until: now() + cacheSeconds)
        return document
    }

    public func invalidate(_ did: String) {
        cache.remove(did)
    }

    static func isLoopbackHost(_ host: String) -> Bool {
        host == "localhost" || host.hasPrefix("127.")
    }

    static func invalid(_ message: String) -> RegistryError {
        RegistryError(.didDocumentInvalid, message)
    }

    private final class Cache: @unchecked Sendable {
        private let lock = NSLock()
        private var entries: [String: (document: DIDDocument, until: Int64)] = [:]

        func get(_ did: String, now: Int64) -> DIDDocument? {
            lock.withLock {
                guard let entry = entries[did], entry.until > now else { return nil }
                return entry.document
            }
        }

        func set(_ did: String, _ document: DIDDocument, until: Int64) {
            lock.withLock {
                // Bounded: a flood of distinct DIDs must not grow memory without limit.
                if entries.count >= 10_000 { entries.removeAll() }
                entries[did] = (document, until)
            }
        }

        func remove(_ did: String) { _ = lock.withLock { entries.removeValue(forKey: did) } }
    }
}
