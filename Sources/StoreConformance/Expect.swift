/// A conformance check that did not hold.
public struct ConformanceFailure: Error, CustomStringConvertible {
    public let description: String
}

/// Fails the running case with `message` unless `condition` holds.
func expect(
    _ condition: @autoclosure () async throws -> Bool, _ message: @autoclosure () -> String,
    file: StaticString = #fileID, line: UInt = #line
) async throws {
    guard try await condition() else {
        throw ConformanceFailure(description: "\(file):\(line): \(message())")
    }
}

/// Fails unless `body` throws an error for which `matches` is true.
func expectThrows(
    _ message: String, file: StaticString = #fileID, line: UInt = #line,
    _ body: () async throws -> Void, matches: (any Error) -> Bool
) async throws {
    do {
        try await body()
    } catch {
        try await expect(matches(error), "\(message): unexpected error \(error)", file: file, line: line)
        return
    }
    throw ConformanceFailure(description: "\(file):\(line): \(message): no error thrown")
}
