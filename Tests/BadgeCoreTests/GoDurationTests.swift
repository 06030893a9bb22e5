import BadgeCore
import Testing

@Suite struct GoDurationTests {
    @Test(arguments: [
        ("5m0s", 300.0),
        ("1h0m0s", 3600),
        ("90s", 90),
        ("1m30s", 90),
        ("1.5h", 5400),
        ("300ms", 0.3),
        ("2h45m", 9900),
        ("0", 0),
        ("-0", 0),
        ("+0", 0),
        ("0s", 0),
        ("-5m", -300),
        ("+5m", 300),
        (".5s", 0.5),
        ("1.s", 1),
        ("1.0s", 1),
        ("1500us", 0.0015),
        ("1500\u{00B5}s", 0.0015),
        ("1500\u{03BC}s", 0.0015),
        ("2000000ns", 0.002),
        ("1h1m1s1ms", 3661.001),
        ("87600h", 315_360_000),  // exactly ten years: the largest accepted value
        ("-87600h", -315_360_000),
        ("0.000000001s", 0.000000001),
        ("0.0000000019s", 0.000000001),  // truncated below nanosecond resolution, as in Go
    ])
    func parses(text: String, expected: Double) {
        #expect(GoDuration.seconds(text) == expected, "\(text)")
    }

    @Test(arguments: [
        "", "5", "5x", "m", "1h 2m", " 5s", "5s ", "1e3s", "++5s", "+-5s", "-", "+", "5m0", "5s5", ".s", ".",
        "s5", "5S", "5sec", "1..5s", "5 s", "87601h", "87600h1ns", "99999999999999999999h",
        "18446744073709551616ns", "5\u{00B5}", "0x10s", "\u{0665}s",  // ARABIC-INDIC DIGIT FIVE is not a digit here
    ])
    func rejects(text: String) {
        #expect(GoDuration.seconds(text) == nil, "\(text)")
    }

    @Test func negativeZeroIsPlainZero() throws {
        let value = try #require(GoDuration.seconds("-0s"))
        #expect(value == 0 && value.sign == .plus)
    }
}
