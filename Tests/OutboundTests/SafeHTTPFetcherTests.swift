@testable import Outbound
import Testing

/// Network safety: every connection in this suite goes to the ``LocalServer`` on 127.0.0.1, and
/// ``SandboxedFetcher`` refuses any other connect and never uses real DNS.
@Suite struct SafeHTTPFetcherTests {
    // MARK: Talking to the local server (development switch on)

    @Test func fetchesBodyStatusAndContentType() async throws {
        let raw = LocalServer.response(
            "201 Created", headers: ["Content-Type: application/did+json; charset=utf-8", "Content-Length: 11"],
            body: "{\"id\":\"x\"}\n"
        )
        try await withLocalServer(.respond(raw)) { server in
            let sandbox = SandboxedFetcher()

            let response = try await sandbox.get("http://127.0.0.1:\(server.port)/a/did.json?v=1", policy: .local())
            #expect(response.status == 201)
            #expect(response.contentType == "application/did+json; charset=utf-8")
            #expect(response.body == Array("{\"id\":\"x\"}\n".utf8))

            let request = try #require(server.requests.first)
            #expect(request.hasPrefix("GET /a/did.json?v=1 HTTP/1.1\r\n"))
            #expect(request.contains("Host: 127.0.0.1:\(server.port)\r\n"))
            #expect(request.contains("User-Agent: insignia\r\n"))
            #expect(request.contains("Accept: application/json\r\n"))
            #expect(request.contains("Connection: close"))
            #expect(sandbox.lookups.isEmpty)
        }
    }

    @Test func readsCloseDelimitedBodies() async throws {
        try await withLocalServer(.respond(LocalServer.response("200 OK", body: "token.thumb\n"))) { server in

            let response = try await SandboxedFetcher().get("http://127.0.0.1:\(server.port)/", policy: .local())
            #expect(response.status == 200 && response.contentType == nil)
            #expect(response.body == Array("token.thumb\n".utf8))
        }
    }

    @Test func localhostAndIPv6LoopbackNeedNoDNS() async throws {
        try await withLocalServer(.respond(LocalServer.response("200 OK", headers: ["Content-Length: 2"], body: "ok"))) { server in
            let sandbox = SandboxedFetcher()

            // The server listens on 127.0.0.1 only, so "localhost" must reach it through 127.0.0.1.
            let response = try await sandbox.get("http://localhost:\(server.port)/", policy: .local())
            #expect(response.body == Array("ok".utf8))
            #expect(server.requests.first?.contains("Host: localhost:\(server.port)\r\n") == true)
            #expect(sandbox.lookups.isEmpty)
            #expect(sandbox.connects == ["127.0.0.1 \(server.port)"])
        }
    }

    @Test func httpsSpeaksTLS() async throws {
        // A plain-HTTP peer answering a TLS client must fail the handshake, not be read as HTTP.
        try await withLocalServer(.greet(LocalServer.response("200 OK", headers: ["Content-Length: 2"], body: "ok"))) { server in
            let failure = await fetchFailure { try await SandboxedFetcher().get("https://localhost:\(server.port)/", policy: .local()) }
            #expect(failure?.code == .tlsFailed)
        }
    }

    @Test func redirectsAreNotFollowed() async throws {
        let raw = LocalServer.response("302 Found", headers: ["Location: http://127.0.0.1:1/elsewhere", "Content-Length: 0"])
        try await withLocalServer(.respond(raw)) { server in
            let failure = await fetchFailure { try await SandboxedFetcher().get("http://127.0.0.1:\(server.port)/", policy: .local()) }
            #expect(failure?.code == .redirect)
            #expect(server.connections == 1)
        }
    }

    @Test func serverErrorsFail() async throws {
        try await withLocalServer(.respond(LocalServer.response("500 Internal Server Error", headers: ["Content-Length: 4"], body: "oops"))) { server in

            let failure = await fetchFailure { try await SandboxedFetcher().get("http://127.0.0.1:\(server.port)/", policy: .local()) }
            #expect(failure?.code == .httpStatus)
        }
    }

    @Test func bodyAtTheCapIsAccepted() async throws {
        let body = String(repeating: "a", count: 16)
        try await withLocalServer(.respond(LocalServer.response("200 OK", body: body))) { server in

            let response = try await SandboxedFetcher().get("http://127.0.0.1:\(server.port)/", policy: .local(maxBodyBytes: 16))
            #expect(response.body.count == 16)
        }
    }

    @Test(arguments: [
        // Declared up front.
        LocalServer.response("200 OK", headers: ["Content-Length: 17"], body: String(repeating: "a", count: 17)),
        // Declared too small is a protocol error, so also try the undeclared shapes.
        LocalServer.response("200 OK", body: String(repeating: "a", count: 17)),
        LocalServer.response("200 OK", headers: ["Transfer-Encoding: chunked"], body: "11\r\n" + String(repeating: "a", count: 17) + "\r\n0\r\n\r\n"),
        LocalServer.response("200 OK", body: String(repeating: "a", count: 100_000)),
    ])
    func bodyOverTheCapFails(raw: String) async throws {
        try await withLocalServer(.respond(raw)) { server in

            let failure = await fetchFailure {
                try await SandboxedFetcher().get("http://127.0.0.1:\(server.port)/", policy: .local(maxBodyBytes: 16))
            }
            #expect(failure?.code == .tooLarge)
        }
    }

    @Test func silentServerTimesOut() async throws {
        try await withLocalServer(.silent) { server in

            let clock = ContinuousClock()
            let started = clock.now
            let failure = await fetchFailure {
                try await SandboxedFetcher().get("http://127.0.0.1:\(server.port)/", policy: .local(totalTimeout: .milliseconds(300)))
            }
            #expect(failure?.code == .timeout)
            // The server never answers: returning at all proves the timeout fired. The bound is loose
            // on purpose (a busy CI machine is slow); it only rules out hanging.
            #expect(clock.now - started < .seconds(30))
            #expect(server.connections == 1)
        }
    }

    @Test func slowDNSTimesOut() async throws {
        let sandbox = SandboxedFetcher(resolve: { _ in
            try await Task.sleep(for: .seconds(60))
            return []
        })
        var policy = FetchPolicy.didDocument(allowLoopback: false)
        policy.totalTimeout = .milliseconds(200)

        let clock = ContinuousClock()
        let started = clock.now
        let failure = await fetchFailure { try await sandbox.get("https://slow.example/did.json", policy: policy) }
        #expect(failure?.code == .timeout)
        // Well under the resolver's 60 s: the timeout, not the resolver, ended the fetch.
        #expect(clock.now - started < .seconds(30))
        #expect(sandbox.connects.isEmpty)
    }

    @Test func refusedConnectionFails() async throws {
        let server = try await LocalServer.start(.silent)
        let port = server.port
        await server.stop()

        let failure = await fetchFailure { try await SandboxedFetcher().get("http://127.0.0.1:\(port)/", policy: .local()) }
        #expect(failure?.code == .connectFailed)
    }

    // MARK: DNS pinning and the address filter (fake resolver; nothing leaves loopback)

    @Test func connectsToTheResolvedAddressWithTheOriginalHost() async throws {
        try await withLocalServer(.respond(LocalServer.response("200 OK", headers: ["Content-Length: 2"], body: "ok"))) { server in
            let sandbox = SandboxedFetcher(answers: ["pinned.example": ["127.0.0.1"]])
            var policy = FetchPolicy.local()
            policy.allowedPorts = [server.port]

            let response = try await sandbox.get("http://pinned.example:\(server.port)/x", policy: policy)
            #expect(response.body == Array("ok".utf8))
            #expect(sandbox.lookups == ["pinned.example"])
            #expect(sandbox.connects == ["127.0.0.1 \(server.port)"])
            #expect(server.requests.first?.contains("Host: pinned.example:\(server.port)\r\n") == true)
        }
    }

    @Test(arguments: [
        ["10.0.0.5"],
        ["169.254.169.254"],
        ["::ffff:10.0.0.5"],
        ["fd00::1"],
        // One private answer sinks an otherwise public set (DNS rebinding).
        ["93.184.215.14", "10.0.0.5"],
        ["2606:4700:4700::1111", "::1"],
    ])
    func blockedAnswersFailBeforeConnecting(answer: [String]) async {
        let sandbox = SandboxedFetcher(answers: ["target.example": answer])
        let failure = await fetchFailure {
            try await sandbox.get("https://target.example/.well-known/did.json", policy: .didDocument(allowLoopback: false))
        }
        #expect(failure?.code == .addressBlocked)
        #expect(sandbox.lookups == ["target.example"])
        #expect(sandbox.connects.isEmpty)
    }

    @Test func developmentSwitchUnblocksOnlyLoopbackAnswers() async {
        let sandbox = SandboxedFetcher(answers: ["dev.example": ["127.0.0.1", "10.0.0.5"]])
        let failure = await fetchFailure {
            try await sandbox.get("https://dev.example/did.json", policy: .didDocument(allowLoopback: true))
        }
        #expect(failure?.code == .addressBlocked)
        #expect(sandbox.connects.isEmpty)
    }

    @Test func publicAnswersAreConnectedToAsResolved() async {
        // The sandbox refuses the connect itself; this only shows which address would be dialled.
        let sandbox = SandboxedFetcher(answers: ["public.example": ["93.184.215.14"]])
        let failure = await fetchFailure {
            try await sandbox.get("https://public.example/.well-known/did.json", policy: .didDocument(allowLoopback: false))
        }
        #expect(failure == FetchError(.connectFailed, SandboxedFetcher.refusal))
        #expect(sandbox.connects == ["93.184.215.14 443"])
    }

    @Test func resolverFailuresAreDNSFailures() async {
        let sandbox = SandboxedFetcher()
        let failure = await fetchFailure {
            try await sandbox.get("https://missing.example/did.json", policy: .didDocument(allowLoopback: false))
        }
        #expect(failure?.code == .dnsFailed)
    }

    // MARK: Refused before any I/O (development switch off)

    @Test func loopbackIsRefusedWithoutTheDevelopmentSwitch() async throws {
        try await withLocalServer(.respond(LocalServer.response("200 OK", body: "ok"))) { server in
            let sandbox = SandboxedFetcher(answers: ["localhost": ["127.0.0.1"]])
            var openPorts = FetchPolicy.httpChallenge(allowLoopback: false)
            openPorts.allowedPorts = [server.port, 443]
            openPorts.allowedSchemes = ["http", "https"]

            let cases: [(String, FetchPolicy, FetchError.Code)] = [
                ("http://127.0.0.1:\(server.port)/", .didDocument(allowLoopback: false), .schemeNotAllowed),
                ("http://127.0.0.1:\(server.port)/", .httpChallenge(allowLoopback: false), .portNotAllowed),
                ("http://127.0.0.1:\(server.port)/", openPorts, .hostNotAllowed),
                ("http://[::1]:\(server.port)/", openPorts, .hostNotAllowed),
                ("http://localhost:\(server.port)/", openPorts, .hostNotAllowed),
                ("https://localhost/.well-known/did.json", .didDocument(allowLoopback: false), .hostNotAllowed),
                ("http://localhost/.well-known/capiscio-challenge/t", .httpChallenge(allowLoopback: false), .hostNotAllowed),
            ]
            for (url, policy, code) in cases {
                let failure = await fetchFailure { try await sandbox.get(url, policy: policy) }
                #expect(failure?.code == code, "\(url)")
            }
            #expect(server.connections == 0)
            #expect(sandbox.lookups.isEmpty && sandbox.connects.isEmpty)
        }
    }

    @Test func developmentSwitchStillRefusesOtherSchemes() async {
        let sandbox = SandboxedFetcher()
        let failure = await fetchFailure { try await sandbox.get("ftp://127.0.0.1/x", policy: .local()) }
        #expect(failure?.code == .schemeNotAllowed)
    }

    @Test(arguments: [
        ("https://10.0.0.5/did.json", FetchError.Code.hostNotAllowed),
        ("https://[2606:4700:4700::1111]/did.json", .hostNotAllowed),
        ("https://169.254.169.254/latest/meta-data", .hostNotAllowed),
        ("https://metadata.google.internal/x", .hostNotAllowed),
        ("https://db.internal/x", .hostNotAllowed),
        ("https://printer.local/x", .hostNotAllowed),
        ("https://app.localhost/x", .hostNotAllowed),
        ("https://intranet/x", .hostNotAllowed),
        ("https://example.com./x", .hostNotAllowed),
        ("https://127.1/x", .hostNotAllowed),
        ("https://0x7f.1/x", .hostNotAllowed),
        ("https://a.2130706433/x", .hostNotAllowed),
        ("https://-bad.example/x", .hostNotAllowed),
        ("https://a..example/x", .hostNotAllowed),
        ("https://example.com:8443/x", .portNotAllowed),
        ("http://example.com/x", .schemeNotAllowed),
        ("https://user@example.com/x", .invalidURL),
        ("https://example.com/x#frag", .invalidURL),
        ("https://example.com/a/../did.json", .invalidURL),
    ])
    func strictPolicyRefusesBeforeDNS(url: String, code: FetchError.Code) async {
        let sandbox = SandboxedFetcher()
        let failure = await fetchFailure { try await sandbox.get(url, policy: .didDocument(allowLoopback: false)) }
        #expect(failure?.code == code)
        #expect(sandbox.lookups.isEmpty && sandbox.connects.isEmpty)
    }

    @Test func developmentSwitchDoesNotOpenOtherLiterals() async {
        let sandbox = SandboxedFetcher()
        let failure = await fetchFailure { try await sandbox.get("http://10.0.0.5:8080/", policy: .local()) }
        #expect(failure?.code == .portNotAllowed)
        var anyPort = FetchPolicy.local()
        anyPort.allowedPorts = [8080]
        let literal = await fetchFailure { try await sandbox.get("http://10.0.0.5:8080/", policy: anyPort) }
        #expect(literal?.code == .hostNotAllowed)
        #expect(sandbox.connects.isEmpty)
    }
}
