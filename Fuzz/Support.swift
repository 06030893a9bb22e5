// Shared by every fuzz target (compiled into each one): property checks that stop the process,
// so libFuzzer records the input as a crash.

/// Stops with `message` when `condition` is false; libFuzzer then saves the input as a crash.
@inline(never)
func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError("fuzz property violated: \(message())") }
}

/// The libFuzzer input as a buffer (libFuzzer's own allocation, sized exactly, so ASan sees
/// any read past its end).
func inputBuffer(_ data: UnsafePointer<UInt8>?, _ size: Int) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(start: size == 0 ? nil : data, count: size)
}
