import Foundation

/// Files of this target's SwiftPM resource bundle (`insignia_InsigniaHTTP.resources`, beside the
/// executable or the test runner), found without SwiftPM's `Bundle.module`, which traps when the
/// bundle is missing: a server deployed without it refuses to start in one line instead.
public enum BundledResources {
    /// The bundle's directory name.
    static let bundleName = "insignia_InsigniaHTTP.resources"

    /// Where the bundle may be: beside the main bundle, and beside the executable named by argv[0].
    static let directories: [URL] = {
        var directories = [Bundle.main.bundleURL.appendingPathComponent(bundleName)]
        if let executable = CommandLine.arguments.first, executable.contains("/") {
            let beside = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
                .appendingPathComponent(bundleName)
            if !directories.contains(beside) { directories.append(beside) }
        }
        return directories
    }()

    /// The bytes of `path` (relative to the bundle), or where it was looked for.
    static func read(_ path: String) -> Result<[UInt8], MissingResource> {
        let candidates = directories.map { $0.appendingPathComponent(path) }
        for candidate in candidates {
            if let data = try? Data(contentsOf: candidate) { return .success(Array(data)) }
        }
        return .failure(MissingResource(name: path, searched: candidates.map(\.path)))
    }

    /// A resource is not where the build puts it.
    public struct MissingResource: Error, CustomStringConvertible {
        public let name: String
        public let searched: [String]
        public var description: String {
            "\(name) not found: deploy \(BundledResources.bundleName) beside the insignia binary (looked for \(searched.joined(separator: ", ")))"
        }
    }
}
