import Registry
import Testing
@testable import Outbound

@Suite struct DomainValidatorTests {
    static let challenge = DVChallenge(type: .http01, domain: "agent.example.com", token: "tok", expected: "tok.jkt")

    @Test func withoutTheSwitchLoopbackIsRefusedBeforeAnyConnection() async throws {
        // The domain "resolves" to loopback and to a private address; neither may be contacted.
        for answer in ["127.0.0.1", "10.0.0.7", "::1"] {
            let sandbox = SandboxedFetcher(answers: ["agent.example.com": [answer]])
            let validator = DomainValidator(
                fetcher: sandbox.fetcher, dns: nil, acceptBareToken: false, allowLoopback: false, developmentHTTPPort: 8080
            )
            #expect(validator.fetchURL(Self.challenge) == "http://agent.example.com/.well-known/capiscio-challenge/tok",
                    "the development port is ignored without the switch")
            let result = await validator.check(Self.challenge)
            #expect(!result.passed)
            #expect(result.detail.contains("addressBlocked"), "\(result.detail)")
            #expect(sandbox.connects.isEmpty, "no connection attempted for \(answer)")
        }
    }

    @Test func withoutTheSwitchALoopbackURLIsNeverFetched() async throws {
        let sandbox = SandboxedFetcher()
        let policy = FetchPolicy.httpChallenge(allowLoopback: false)
        let failure = await fetchFailure { try await sandbox.get("http://127.0.0.1:8080/.well-known/capiscio-challenge/tok", policy: policy) }
        #expect(failure?.code == .portNotAllowed || failure?.code == .hostNotAllowed)
        #expect(sandbox.connects.isEmpty && sandbox.lookups.isEmpty)
    }

    @Test func contentComparison() {
        let c = Self.challenge
        #expect(DVContent.matches("tok.jkt", challenge: c, acceptBareToken: false, trimNewline: true))
        #expect(DVContent.matches("tok.jkt\n", challenge: c, acceptBareToken: false, trimNewline: true))
        #expect(DVContent.matches("tok.jkt\r\n", challenge: c, acceptBareToken: false, trimNewline: true))
        #expect(!DVContent.matches("tok.jkt\n\n", challenge: c, acceptBareToken: false, trimNewline: true))
        #expect(!DVContent.matches(" tok.jkt", challenge: c, acceptBareToken: false, trimNewline: true))
        #expect(!DVContent.matches("TOK.JKT", challenge: c, acceptBareToken: false, trimNewline: true))
        #expect(!DVContent.matches("tok.jkt\n", challenge: c, acceptBareToken: false, trimNewline: false))
        #expect(!DVContent.matches("tok", challenge: c, acceptBareToken: false, trimNewline: true))
        #expect(DVContent.matches("tok\n", challenge: c, acceptBareToken: true, trimNewline: true))
    }

    @Test func domainRules() throws {
        #expect(try DVDomain.normalize("Agent.Example.COM") == "agent.example.com")
        #expect(try DVDomain.normalize("xn--bcher-kva.example") == "xn--bcher-kva.example")
        for bad in ["", "com", "http://a.com", "a.com:80", "a.com/x", "*.a.com", "a.com.", "1.2.3.4", "[::1]", "a..com", "-a.com",
                    "bücher.example", "a b.com", String(repeating: "a", count: 64) + ".com"] {
            #expect(throws: RegistryError.self, "\(bad)") { try DVDomain.normalize(bad) }
        }
    }

    @Test func resolverAddresses() {
        #expect(DNSClient.parseResolver("127.0.0.1:5353").map { "\($0.0) \($0.1)" } == "127.0.0.1 5353")
        #expect(DNSClient.parseResolver("1.1.1.1").map { "\($0.0) \($0.1)" } == "1.1.1.1 53")
        #expect(DNSClient.parseResolver("[::1]:53").map { "\($0.0) \($0.1)" } == "::1 53")
        #expect(DNSClient.parseResolver("dns.example:53") == nil)
        #expect(DNSClient.parseResolver("1.1.1.1:99999") == nil)
        #expect(DNSClient.systemResolver(resolvConf: "# x\nsearch a\nnameserver 10.0.0.2\nnameserver 8.8.8.8\n")?.description == "10.0.0.2")
    }
}

@Suite struct DNSMessageTests {
    /// A response built by hand: question echoed, CNAME by compression pointer, then a TXT record
    /// at the target with two character-strings.
    static func response(id: UInt16, flags: UInt16 = 0x8180) throws -> [UInt8] {
        var bytes = try DNSMessage.query(id: id, name: "_capiscio-challenge.a.example", type: 16)
        bytes[2] = UInt8(flags >> 8)
        bytes[3] = UInt8(flags & 0xFF)
        bytes[7] = 2 // ANCOUNT
        var target: [UInt8] = []
        try DNSMessage.appendName("v.dv.example", to: &target)
        bytes += [0xC0, 0x0C, 0, 5, 0, 1, 0, 0, 0, 60, 0, UInt8(target.count)] + target
        let targetOffset = bytes.count - target.count
        let rdata: [UInt8] = [3] + Array("abc".utf8) + [4] + Array(".jkt".utf8)
        bytes += [0xC0 | UInt8(targetOffset >> 8), UInt8(targetOffset & 0xFF), 0, 16, 0, 1, 0, 0, 0, 60, 0, UInt8(rdata.count)] + rdata
        return bytes
    }

    @Test func queryLayout() throws {
        let query = try DNSMessage.query(id: 0xBEEF, name: "_x.a.example", type: 16)
        var expected: [UInt8] = [0xBE, 0xEF, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 2]
        expected += Array("_x".utf8)
        expected += [1, 0x61, 7]
        expected += Array("example".utf8)
        expected += [0, 0, 16, 0, 1]
        #expect(query == expected)
        #expect(throws: DNSMessage.Failure.self) { try DNSMessage.query(id: 1, name: "a..b", type: 16) }
    }

    @Test func parsesCNAMEChainsAndMultipleStrings() throws {
        let parsed = try DNSMessage.parse(try Self.response(id: 7), id: 7, name: "_capiscio-challenge.a.example", type: 16)
        #expect(parsed.answers.count == 2)
        let (values, final) = DNSMessage.txtValues(parsed, for: "_capiscio-challenge.a.example")
        #expect(final == "v.dv.example")
        #expect(values.contains("abc.jkt") && values.contains("abc") && values.contains(".jkt"))
    }

    @Test func aTruncatedResponseCutInsideARecordStillReadsAsTruncated() throws {
        let cut = Array(try Self.response(id: 7, flags: 0x8380).dropLast(3))
        let parsed = try DNSMessage.parse(cut, id: 7, name: "_capiscio-challenge.a.example", type: 16)
        #expect(parsed.truncated)
        #expect(parsed.answers.count == 1, "the whole CNAME before the cut is kept, the cut TXT record is not")
        // The same cut without TC is malformed (rejectsMismatchedOrMalformedAnswers), and TC does
        // not excuse a wrong id.
        #expect(throws: DNSMessage.Failure.self) { try DNSMessage.parse(cut, id: 8, name: "_capiscio-challenge.a.example", type: 16) }
    }

    @Test func rejectsMismatchedOrMalformedAnswers() throws {
        let good = try Self.response(id: 7)
        #expect(throws: DNSMessage.Failure.self) { try DNSMessage.parse(good, id: 8, name: "_capiscio-challenge.a.example", type: 16) }
        #expect(throws: DNSMessage.Failure.self) { try DNSMessage.parse(good, id: 7, name: "_capiscio-challenge.b.example", type: 16) }
        #expect(throws: DNSMessage.Failure.self) { try DNSMessage.parse(try Self.response(id: 7, flags: 0x0100), id: 7, name: "_capiscio-challenge.a.example", type: 16) }
        for cut in [5, 20, good.count - 3] {
            #expect(throws: DNSMessage.Failure.self) { try DNSMessage.parse(Array(good.prefix(cut)), id: 7, name: "_capiscio-challenge.a.example", type: 16) }
        }
    }
}

/// `INSIGNIA_DEV_DV_HTTP_PORT`: the stand-in fetch connects to 127.0.0.1 but sends `Host: <domain>`
/// (issue #12 E), so a local web server sees the request the domain would.
@Suite struct DevelopmentHTTP01HostTests {
    @Test func theDevelopmentFetchAsksForTheDomain() async throws {
        try await withLocalServer(.respond(LocalServer.response("200 OK", body: "tok.jkt\n"))) { server in
            let sandbox = SandboxedFetcher()
            let validator = DomainValidator(
                fetcher: sandbox.fetcher, dns: nil, acceptBareToken: false, allowLoopback: true, developmentHTTPPort: server.port
            )
            let result = await validator.check(DomainValidatorTests.challenge)
            #expect(result.passed, "\(result.detail)")
            let request = try #require(server.requests.first)
            #expect(request.hasPrefix("GET /.well-known/capiscio-challenge/tok HTTP/1.1\r\n"))
            #expect(request.contains("Host: agent.example.com\r\n"), "\(request)")
            #expect(!request.contains("Host: 127.0.0.1"))
        }
    }
}
