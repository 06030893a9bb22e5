import Testing
@testable import Outbound

/// ``DNSClient`` against a DNS peer on 127.0.0.1 (UDP and TCP on one port); nothing else is contacted.
@Suite struct DNSClientTests {
    static let name = "_capiscio-challenge.agent.example"
    /// More than fits the 512-byte UDP answer of RFC 1035: the reason a resolver truncates.
    static let fullRecords: [[String]] = [
        ["tok.jkt"],
        [String(repeating: "a", count: 255), String(repeating: "b", count: 255)],
        [String(repeating: "c", count: 200)],
    ]

    static func client(_ server: LocalDNSServer, timeout: Duration = .seconds(5)) throws -> DNSClient {
        DNSClient(resolver: try #require(IPAddress("127.0.0.1")), port: server.port, timeout: timeout)
    }

    /// How the UDP answer is truncated: no records at all, or one cut in the middle of a record.
    enum Truncation: CaseIterable, Sendable { case empty, cutMidRecord }

    @Test(arguments: Truncation.allCases)
    func aTruncatedUDPAnswerIsAskedAgainOverTCP(_ truncation: Truncation) async throws {
        try await withLocalDNSServer(
            udp: { query in
                switch truncation {
                case .empty: LocalDNSServer.answer(to: query, txt: [], truncated: true)
                case .cutMidRecord: LocalDNSServer.answer(to: query, txt: [["udp-only"]] + Self.fullRecords, truncated: true, cutAfter: 80)
                }
            },
            tcp: { query in .message(LocalDNSServer.answer(to: query, txt: Self.fullRecords)!) }
        ) { server in
            let values = try await Self.client(server).txt(Self.name)
            #expect(values.contains("tok.jkt"))
            #expect(values.contains(String(repeating: "a", count: 255) + String(repeating: "b", count: 255)))
            #expect(values.contains(String(repeating: "c", count: 200)))
            #expect(!values.contains("udp-only"), "records of the truncated UDP answer are not used")
            #expect(server.udpQueries == 1 && server.tcpQueries == 1)
        }
    }

    @Test func aCompleteUDPAnswerDoesNotOpenTCP() async throws {
        try await withLocalDNSServer(
            udp: { query in LocalDNSServer.answer(to: query, txt: [["tok.jkt"]]) },
            tcp: { query in .message(LocalDNSServer.answer(to: query, txt: [["from-tcp"]])!) }
        ) { server in
            let values = try await Self.client(server).txt(Self.name)
            #expect(values == ["tok.jkt"])
            #expect(server.udpQueries == 1 && server.tcpQueries == 0)
        }
    }

    /// TCP answers that must not be believed.
    enum BadTCPAnswer: CaseIterable, Sendable {
        case otherID, otherQuestion, closedUnanswered, closedMidMessage, truncatedAgain
    }

    @Test(arguments: BadTCPAnswer.allCases)
    func aBadTCPAnswerFailsTheLookup(_ bad: BadTCPAnswer) async throws {
        try await withLocalDNSServer(
            udp: { query in LocalDNSServer.answer(to: query, txt: [], truncated: true) },
            tcp: { query in
                switch bad {
                case .otherID:
                    let id = UInt16(query[0]) << 8 | UInt16(query[1])
                    return .message(LocalDNSServer.answer(to: query, txt: [["tok.jkt"]], id: id ^ 0x5A5A)!)
                case .otherQuestion:
                    return .message(LocalDNSServer.answer(to: query, txt: [["tok.jkt"]], question: "_capiscio-challenge.other.example")!)
                case .closedUnanswered:
                    return .close
                case .closedMidMessage:
                    return .rawThenClose([0x01, 0x00] + Array(LocalDNSServer.answer(to: query, txt: [["tok.jkt"]])!.prefix(20)))
                case .truncatedAgain:
                    return .message(LocalDNSServer.answer(to: query, txt: [["tok.jkt"]], truncated: true)!)
                }
            }
        ) { server in
            let started = ContinuousClock.now
            let failure = await #expect(throws: DNSMessage.Failure.self) {
                try await Self.client(server, timeout: .seconds(10)).txt(Self.name)
            }
            let expected = switch bad {
            case .otherID: "id does not match"
            case .otherQuestion: "different question"
            case .closedUnanswered, .closedMidMessage: "closed the TCP connection"
            case .truncatedAgain: "truncated too"
            }
            #expect(failure?.message.contains(expected) == true, "\(failure?.message ?? "no failure")")
            #expect(ContinuousClock.now - started < .seconds(5), "refused at once, not after the timeout")
            #expect(server.tcpQueries == 1)
        }
    }

    @Test func aSilentTCPResolverTimesOut() async throws {
        try await withLocalDNSServer(
            udp: { query in LocalDNSServer.answer(to: query, txt: [], truncated: true) },
            tcp: { query in
                // A length prefix promising more than ever comes, on a connection left open.
                .raw([0x01, 0x00] + LocalDNSServer.answer(to: query, txt: [["tok.jkt"]])!)
            }
        ) { server in
            // 2 s, not less: the budget covers the UDP exchange and the TCP connect too, and under
            // the full suite's load a 300 ms budget ran out before the connect (a different failure).
            let failure = await #expect(throws: DNSMessage.Failure.self) {
                try await Self.client(server, timeout: .seconds(2)).txt(Self.name)
            }
            #expect(failure?.message.contains("within") == true, "\(failure?.message ?? "no failure")")
        }
    }
}
