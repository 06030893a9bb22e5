import BadgeCore
import Foundation
import InsigniaHTTP
import Logging

/// Writes one JSON object per line to stdout: `time`, `level`, `message`, `label` and metadata.
///
/// Callers never put secrets in messages or metadata; this handler adds nothing of its own.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String
    private let output: LockedOutput
    private static let stdout = LockedOutput(handle: .standardOutput)
    private static let stderr = LockedOutput(handle: .standardError)

    /// Logs at `level` and above to stdout, or to stderr when `toStandardError` (CLI commands whose
    /// stdout is data for scripts).
    public init(label: String, level: Logger.Level, toStandardError: Bool = false) {
        self.label = label
        self.logLevel = level
        self.output = toStandardError ? Self.stderr : Self.stdout
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var object: [String: JSONValue] = [
            "time": .string(Timestamp.rfc3339Fractional(Date())),
            "level": .string(event.level.rawValue),
            "message": .string(event.message.description),
            "label": .string(label),
        ]
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        for (key, value) in merged where object[key] == nil {
            object[key] = Self.json(value)
        }
        var line = JSONValue.object(object).serialized()
        line.append(UInt8(ascii: "\n"))
        output.write(line)
    }

    private static func json(_ value: Logger.MetadataValue) -> JSONValue {
        switch value {
        case .string(let s): .string(s)
        case .stringConvertible(let c): .string(c.description)
        case .array(let a): .array(a.map(json))
        case .dictionary(let d): .object(d.mapValues(json))
        }
    }

    /// Serialises writes so lines from concurrent requests never interleave.
    private final class LockedOutput: @unchecked Sendable {
        private let lock = NSLock()
        private let handle: FileHandle
        init(handle: FileHandle) { self.handle = handle }
        func write(_ bytes: [UInt8]) {
            lock.lock()
            defer { lock.unlock() }
            handle.write(Data(bytes))
        }
    }
}
