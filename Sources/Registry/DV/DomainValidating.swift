/// What a validator is asked to check: that `domain` publishes `expected` for `token`.
public struct DVChallenge: Sendable, Equatable {
    public var type: DVChallengeType
    public var domain: String
    public var token: String
    /// `<token>.<thumbprint>`.
    public var expected: String

    public init(type: DVChallengeType, domain: String, token: String, expected: String) {
        self.type = type
        self.domain = domain
        self.token = token
        self.expected = expected
    }

    /// Where the challenge lives: the HTTP-01 URL or the DNS-01 record name (CONTRACT.md §5.9).
    public var target: String {
        switch type {
        case .http01: DVChallenge.httpURL(domain: domain, token: token)
        case .dns01: DVChallenge.recordName(domain: domain)
        }
    }

    public static func httpURL(domain: String, token: String) -> String {
        "http://\(domain)/.well-known/capiscio-challenge/\(token)"
    }

    public static func recordName(domain: String) -> String { "_capiscio-challenge.\(domain)" }
}

/// The result of one check; `detail` explains a failure (safe to show the requester: it names only
/// their own domain and what was found there).
public struct DVCheckResult: Sendable, Equatable {
    public var passed: Bool
    /// The URL fetched or the record name queried.
    public var target: String
    public var detail: String

    public init(passed: Bool, target: String, detail: String) {
        self.passed = passed
        self.target = target
        self.detail = detail
    }
}

/// Performs HTTP-01 and DNS-01 checks. The Outbound component implements it; it is the only code
/// that reaches the network for domain validation.
public protocol DomainValidating: Sendable {
    func check(_ challenge: DVChallenge) async -> DVCheckResult
}

/// The content comparison of CONTRACT.md §5.9: strip one trailing `\r\n` or `\n`, then exact
/// equality with `<token>.<thumbprint>`, or with the bare token when the compatibility switch is on.
public enum DVContent {
    public static func matches(_ published: String, challenge: DVChallenge, acceptBareToken: Bool, trimNewline: Bool) -> Bool {
        var value = Array(published.utf8)
        if trimNewline, value.last == 0x0A {
            value.removeLast()
            if value.last == 0x0D { value.removeLast() }
        }
        if value.elementsEqual(challenge.expected.utf8) { return true }
        return acceptBareToken && value.elementsEqual(challenge.token.utf8)
    }
}
