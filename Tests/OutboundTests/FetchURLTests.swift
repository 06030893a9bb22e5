@testable import Outbound
import Testing

@Suite struct FetchURLTests {
    @Test func parsesTheUsualShapes() throws {
        let did = try FetchURL(parsing: "HTTPS://Example.COM/.well-known/did.json")
        #expect(did.scheme == "https" && did.host == "example.com" && did.port == 443)
        #expect(did.target == "/.well-known/did.json" && did.hostHeader == "example.com")
        #expect(did.hostAddress == nil)

        let challenge = try FetchURL(parsing: "http://a.example:8080?x=1")
        #expect(challenge.port == 8080 && challenge.target == "/?x=1" && challenge.hostHeader == "a.example:8080")
        #expect(try FetchURL(parsing: "http://a.example").target == "/")
        #expect(try FetchURL(parsing: "http://a.example:80/").hostHeader == "a.example")

        let v6 = try FetchURL(parsing: "http://[::1]:8080/x")
        #expect(v6.hostAddress == IPAddress("::1") && v6.host == "::1" && v6.hostHeader == "[::1]:8080")
        #expect(try FetchURL(parsing: "http://127.0.0.1/").hostAddress == IPAddress("127.0.0.1"))
        // Not an IP literal under our strict parser, so it is judged as a (bad) DNS name later.
        #expect(try FetchURL(parsing: "http://127.1/").hostAddress == nil)
    }

    @Test(arguments: [
        "", "example.com/x", "//example.com/", "1http://example.com/", "http:/example.com/",
        "https://user@example.com/", "https://user:pass@example.com/", "https://@example.com/",
        "https://example.com/#frag", "https://example.com/a#", "https:///path", "https://:443/",
        "https://exa mple.com/", "https://example.com/a b", "https://example.com/\t", "https://exämple.com/",
        "https://example.com/ä", "https://example.com:/", "https://example.com:0/", "https://example.com:65536/",
        "https://example.com:+443/", "https://example.com:44a/", "https://example.com:443:443/",
        "https://ex_ample.com/", "https://ex%61mple.com/", "https://[::1/", "https://[fe80::1%25eth0]/",
        "https://[127.0.0.1]/", "https://[::1]x/", "https://example.com\\@evil.example/",
        "https://example.com/../x", "https://example.com/a/..", "https://example.com/a/%2e%2E/b",
        "https://example.com/.%2e/b", "https://example.com/a%2f..%2fb", "https://example.com/a%5cb",
        "https://example.com/%zz", "https://example.com/%4", "https://example.com/?q=%",
    ])
    func rejects(url: String) {
        #expect(failureCode { try FetchURL(parsing: url) } == .invalidURL)
    }

    @Test func keepsDotsThatAreNotSegments() throws {
        #expect(try FetchURL(parsing: "https://example.com/a..b/.well-known/x..").target == "/a..b/.well-known/x..")
        #expect(try FetchURL(parsing: "https://example.com/a?b=..").target == "/a?b=..")
    }
}
