import BadgeCore
import Foundation

/// The directory where `insignia verify` and `insignia trust export` keep what they pinned and
/// what they verified (mode 0700, files 0600):
/// - `anchor.json`: the pinned issuer, badge keys and snapshot keys (``TrustAnchor``);
/// - `state.json`: the highest snapshot sequence seen, its state digest and the last verified
///   full state (``SnapshotTrustState``), so rollback and equivocation are caught across runs
///   and `--server` can ask for a delta;
/// - `.lock`: held while a run reads, accepts and writes.
struct VerifierStateDir {
    let path: String

    /// `~/.insignia/verify`.
    static var defaultPath: String {
        (ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()) + "/.insignia/verify"
    }

    var anchorPath: String { path + "/anchor.json" }
    var statePath: String { path + "/state.json" }

    /// Opens (creating when missing) the directory.
    init(path: String?) throws {
        self.path = path ?? Self.defaultPath
        try PrivateFiles.directory(self.path)
    }

    /// Runs `body` holding an exclusive lock on the directory (`flock` on `DIR/.lock`), so two
    /// verifiers running at once cannot interleave read-accept-write and store a lower sequence
    /// over a higher one. The lock goes with the process.
    func locked<Result>(_ body: () async throws -> Result) async throws -> Result {
        let fd = open(path + "/.lock", O_CREAT | O_RDWR | O_CLOEXEC | O_NOFOLLOW, mode_t(0o600))
        guard fd >= 0 else { throw CommandError("cannot open \(path)/.lock: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw CommandError("cannot lock \(path): \(String(cString: strerror(errno)))") }
        }
        return try await body()
    }

    func loadAnchor() throws -> TrustAnchor? {
        try PrivateFiles.read(anchorPath).map { try StoredJSON.decode($0, from: anchorPath, TrustAnchor.init(json:)) }
    }

    func save(_ anchor: TrustAnchor) throws {
        try PrivateFiles.write(StoredJSON.line(anchor.json), to: anchorPath)
    }

    func loadState() throws -> SnapshotTrustState? {
        try PrivateFiles.read(statePath).map { try StoredJSON.decode($0, from: statePath, SnapshotTrustState.init(json:)) }
    }

    func save(_ state: SnapshotTrustState) throws {
        try PrivateFiles.write(StoredJSON.line(state.json), to: statePath)
    }

    /// Forgets the held state (a new issuer was pinned).
    func dropState() {
        unlink(statePath)
    }
}

/// Reading and writing the small JSON files of the state directory and `--trust` files.
enum StoredJSON {
    /// Parses `bytes` read from `path` with `decode`; any failure names the file.
    static func decode<Value>(
        _ bytes: [UInt8], from path: String, _ decode: (JSONValue) throws(TrustSnapshotError) -> Value
    ) throws -> Value {
        do {
            return try decode(try JSONValue.parse(bytes))
        } catch let error as TrustSnapshotError {
            throw CommandError("\(path): \(error.message)")
        } catch {
            throw CommandError("\(path) is not JSON: \(error)")
        }
    }

    /// Compact JSON (sorted keys) and a newline.
    static func line(_ value: JSONValue) -> [UInt8] {
        value.serialized() + [UInt8(ascii: "\n")]
    }
}
