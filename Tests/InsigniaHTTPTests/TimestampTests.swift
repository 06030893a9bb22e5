@testable import InsigniaHTTP
import Testing

@Suite struct TimestampTests {
    @Test func formatsRFC3339InUTCWithWholeSeconds() {
        #expect(Timestamp.rfc3339(0) == "1970-01-01T00:00:00Z")
        #expect(Timestamp.rfc3339(1_772_619_300) == "2026-03-04T10:15:00Z")
        #expect(Timestamp.rfc3339(253_402_300_799) == "9999-12-31T23:59:59Z")
    }

    @Test func parsesWhatItFormatsAndOffsets() {
        #expect(Timestamp.parse("2026-03-04T10:15:00Z") == 1_772_619_300)
        #expect(Timestamp.parse("2026-03-04T11:15:00.250+01:00") == 1_772_619_300)
        #expect(Timestamp.parse("yesterday") == nil)
    }
}

@Test("request durations are logged in milliseconds with two decimals")
func requestDurationFormatting() {
    #expect(RequestLogMiddleware.milliseconds(.zero) == "0.00")
    #expect(RequestLogMiddleware.milliseconds(.microseconds(50)) == "0.05")
    #expect(RequestLogMiddleware.milliseconds(.microseconds(12_349)) == "12.34")
    #expect(RequestLogMiddleware.milliseconds(.milliseconds(5)) == "5.00")
    #expect(RequestLogMiddleware.milliseconds(.seconds(2) + .microseconds(1_500)) == "2001.50")
}
