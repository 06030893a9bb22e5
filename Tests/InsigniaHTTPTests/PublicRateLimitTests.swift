import BadgeCore
import Foundation
import HTTPTypes
import InsigniaHTTP
import StoreConformance
import Testing

/// `PUBLIC_RATE_LIMIT_PER_MINUTE` per client address on the public verification routes, with
/// `X-Forwarded-For` believed only from `TRUSTED_PROXIES`.
@Suite struct PublicRateLimitTests {
    static let forwarded = HTTPField.Name("X-Forwarded-For")!

    @Test(arguments: TestBackend.available)
    func publicRoutesAreLimitedPerForwardedAddressFromATrustedProxy(backend: TestBackend) async throws {
        try await TestApp.run(backend, configure: {
            $0.publicRateLimit = .perMinute(3)
            $0.trustedProxies = [IPNetwork("127.0.0.0/8")!]
        }, transport: .live) { app in
            let client: HTTPFields = [Self.forwarded: "203.0.113.5"]
            let routes: [(HTTPRequest.Method, String)] = [
                (.post, "/v1/validate"), (.get, "/v1/badges/no-such-badge/status"), (.get, "/v1/revocations"),
            ]
            for (index, (method, uri)) in routes.enumerated() {
                let response = try await app.request(method, uri, json: method == .post ? ["token": "x"] : nil, headers: client)
                #expect(response.status != .tooManyRequests, "\(uri)")
                #expect(response.headers[HTTPField.Name("X-RateLimit-Remaining")!] == String(2 - index), "\(uri)")
            }
            for (method, uri) in [(HTTPRequest.Method.get, "/v1/agents/x/status"), (.get, "/agents/x/did.json"), (.post, "/v1/badges/verify")] {
                let limited = try await app.request(method, uri, json: method == .post ? ["token": "x"] : nil, headers: client)
                #expect(limited.status == .tooManyRequests && limited.errorCode == "rate_limit_exceeded", "\(uri)")
                #expect(limited.headers[.retryAfter] != nil && limited.headers[HTTPField.Name("X-RateLimit-Limit")!] == "3")
            }
            // A proxy chain: the nearest untrusted hop is the client, whatever it claims further left.
            let chained = try await app.request(.get, "/v1/revocations", headers: [Self.forwarded: "198.51.100.1, 203.0.113.5, 127.0.0.2"])
            #expect(chained.status == .tooManyRequests)
            // Another client behind the same proxy has its own budget; JWKS is not limited.
            #expect(try await app.request(.get, "/v1/revocations", headers: [Self.forwarded: "203.0.113.6"]).status == .ok)
            #expect(try await app.request(.get, "/.well-known/jwks.json", headers: client).status == .ok)
        }
    }

    @Test(arguments: TestBackend.available)
    func forwardedForIsIgnoredFromPeersThatAreNotTrustedProxies(backend: TestBackend) async throws {
        try await TestApp.run(backend, configure: { $0.publicRateLimit = .perMinute(2) }, transport: .live) { app in
            for index in 0..<2 {
                let response = try await app.request(.get, "/v1/revocations", headers: [Self.forwarded: "203.0.113.\(index)"])
                #expect(response.status == .ok)
            }
            let limited = try await app.request(.get, "/v1/revocations", headers: [Self.forwarded: "203.0.113.99"])
            #expect(limited.status == .tooManyRequests)
        }
    }

    @Test func networksMatchAddressesByPrefix() throws {
        let v4 = try #require(IPNetwork("10.1.0.0/16"))
        #expect(v4.contains("10.1.255.3") && !v4.contains("10.2.0.1") && !v4.contains("::1"))
        #expect(v4.contains("::ffff:10.1.2.3"))
        let single = try #require(IPNetwork("192.0.2.7"))
        #expect(single.contains("192.0.2.7") && !single.contains("192.0.2.8"))
        let v6 = try #require(IPNetwork("fd00::/8"))
        #expect(v6.contains("fd12::1") && !v6.contains("fe80::1"))
        for bad in ["", "10.0.0.0/33", "10.0.0.0/x", "example.com", "::1/129", "10.0.0.0/"] {
            #expect(IPNetwork(bad) == nil, "\(bad)")
        }
    }
}
