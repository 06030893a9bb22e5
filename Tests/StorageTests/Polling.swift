/// Polls every 5 ms until `condition` holds or `limit` has passed; returns whether it held, for
/// the caller to assert (a test that waits on another task, not on a fixed sleep).
@discardableResult
func poll(for limit: Duration, until condition: () -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + limit
    while !condition() {
        guard ContinuousClock.now < deadline else { return false }
        try await Task.sleep(for: .milliseconds(5))
    }
    return true
}
