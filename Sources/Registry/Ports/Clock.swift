import Foundation

/// Source of the current time, injectable so tests can move it.
public protocol RegistryClock: Sendable {
    /// Unix time in whole seconds.
    func now() -> Int64
}

/// The wall clock.
public struct SystemClock: RegistryClock {
    public init() {}
    public func now() -> Int64 { Int64(Date().timeIntervalSince1970) }
}
