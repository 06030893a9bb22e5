import Registry
import Testing

@Suite struct IssuerIdentityTests {
    @Test func registryDIDsEncodeThePort() {
        let issuer = IssuerIdentity(origin: "http://localhost:8080")
        #expect(issuer.host == "localhost" && issuer.port == 8080)
        #expect(issuer.agentDID("abc") == "did:web:localhost%3A8080:agents:abc")
        let plain = IssuerIdentity(origin: "https://Registry.Example.com")
        #expect(plain.host == "registry.example.com" && plain.port == nil)
        #expect(plain.agentDID("abc") == "did:web:registry.example.com:agents:abc")
    }

    @Test func recognisesOwnDIDsInBothPortSpellings() {
        let issuer = IssuerIdentity(origin: "http://localhost:8080")
        #expect(issuer.agentID(fromRegistryDID: "did:web:localhost%3A8080:agents:abc") == "abc")
        #expect(issuer.agentID(fromRegistryDID: "did:web:localhost:8080:agents:abc") == "abc")
        #expect(issuer.agentID(fromRegistryDID: "did:web:localhost%3A9090:agents:abc") == nil)
        #expect(issuer.agentID(fromRegistryDID: "did:web:evil.example:agents:abc") == nil)
        #expect(issuer.agentID(fromRegistryDID: "did:web:localhost%3A8080:servers:abc") == nil)
        #expect(issuer.agentID(fromRegistryDID: "did:web:localhost%3A8080:agents:abc:more") == nil)
        #expect(issuer.agentID(fromRegistryDID: "did:key:z6Mk") == nil)
    }

    @Test func pageCursorRoundTripsAndRejectsGarbage() {
        let cursor = PageCursor(createdAt: 1_700_000_000, id: "3f0c9a52-6a0e-4c1f-9b7e-2d41c0a7e915")
        #expect(PageCursor(encoded: cursor.encoded) == cursor)
        #expect(PageCursor(encoded: "%%%") == nil)
        #expect(PageCursor(encoded: "bm90LWEtY3Vyc29y") == nil)
        #expect(PageCursor(encoded: String(repeating: "A", count: 300)) == nil)
    }
}
