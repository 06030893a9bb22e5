import BadgeCore
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the primary CA key came from.
public enum CAKeySource: String, Sendable {
    /// The `CA_PRIVATE_KEY_JWK` environment value.
    case environment
    /// An existing key file at `CA_KEY_PATH`.
    case file
    /// Generated at start-up and written to `CA_KEY_PATH`.
    case generated
    /// Generated at start-up and kept in memory only, because it could not be written; badges
    /// signed with it become unverifiable once the process exits.
    case ephemeral
}

/// The CA's private Ed25519 keys on disk or in the environment (never in the database or logs).
///
/// Key files hold one private JWK (`{kty, crv, x, d, kid, alg, use}`) and are written with mode
/// 0600 in directories created with mode 0700.
public enum CAKeyFiles {
    /// Largest key file read; a private Ed25519 JWK is about 200 bytes.
    static let maxFileSize = 64 * 1024
    /// Prefix of every kid this CA derives or generates.
    public static let kidPrefix = "capiscio-ca-"

    // MARK: Key ids

    /// A key id carrying its creation time: "capiscio-ca-<unix seconds>" (CapiscIO convention), or
    /// another `prefix` for keys that are not CA keys.
    public static func newKID(now: Int64, prefix: String = kidPrefix) -> String {
        prefix + String(now)
    }

    /// The kid of a loaded key: its own "kid" member when present, else "capiscio-ca-" + the first 16
    /// characters of its RFC 7638 thumbprint (deterministic, so every process derives the same kid).
    ///
    /// An empty `kid` member counts as absent.
    public static func kid(of key: PrivateJWK) -> String {
        if let kid = key.kid, !kid.isEmpty { return kid }
        return kidPrefix + String(key.publicKey.thumbprint().prefix(16))
    }

    /// `key` with its `kid` set to `kid`.
    static func withKID(_ key: PrivateJWK, _ kid: String) -> PrivateJWK {
        if key.kid == kid { return key }
        guard case .object(var members) = key.json() else { preconditionFailure("a JWK is always an object") }
        members["kid"] = .string(kid)
        do {
            return try PrivateJWK(json: .object(members))
        } catch {
            // The members came from a valid key and only the kid string changed.
            preconditionFailure("re-reading a valid private JWK failed")
        }
    }

    // MARK: Primary key

    /// Loads the primary CA key, in this order: `inlineJWK` (the CA_PRIVATE_KEY_JWK env value, JSON text),
    /// else the file at `path`, else a newly generated key written to `path`. When writing fails and
    /// `allowEphemeral` is true, the new key is used in memory only (source .ephemeral); otherwise throw.
    /// Errors name the problem in one line without key material (e.g. "CA_KEY_PATH ./keys/ca.jwk: not a private Ed25519 JWK").
    /// The returned key always has a kid (`kid(of:)` applied; a generated key gets `newKID(now:)`).
    ///
    /// An `inlineJWK` that is empty or only whitespace counts as unset. If another process creates
    /// the file between the existence check and the write, that process's key is loaded instead
    /// (source `.file`), so concurrent first starts agree on one key.
    ///
    /// `inlineName` and `pathName` name the settings in errors (the transparency log key is
    /// loaded the same way from `LOG_PRIVATE_KEY_JWK` and `LOG_KEY_PATH`, the trust snapshot key
    /// from `SNAPSHOT_KEY_PATH`); a generated key's kid starts with `generatedKIDPrefix`.
    public static func loadPrimary(
        inlineJWK: String?, path: String, allowEphemeral: Bool, now: Int64,
        inlineName: String = "CA_PRIVATE_KEY_JWK", pathName: String = "CA_KEY_PATH", generatedKIDPrefix: String = kidPrefix
    ) throws -> (key: PrivateJWK, kid: String, source: CAKeySource) {
        if let inlineJWK, inlineJWK.contains(where: { !$0.isWhitespace }) {
            let key = try decode(Array(inlineJWK.utf8), label: inlineName)
            return (key, kid(of: key), .environment)
        }
        let label = "\(pathName) \(path)"
        switch try readKeyFile(path, label: label, missingIsNil: true) {
        case .some(let file):
            let key = try decode(file.bytes, label: label)
            return (key, kid(of: key), .file)
        case .none:
            break
        }

        let newKid = newKID(now: now, prefix: generatedKIDPrefix)
        let key = PrivateJWK.generate(kid: newKid)
        switch store(key, at: path) {
        case .written:
            return (key, newKid, .generated)
        case .exists:
            // Lost a race with another process generating the same file: use its key.
            guard let file = try readKeyFile(path, label: label, missingIsNil: false) else {
                throw CAKeyError("\(label): file vanished while being created")
            }
            let existing = try decode(file.bytes, label: label)
            return (existing, kid(of: existing), .file)
        case .failed(let reason):
            if allowEphemeral { return (key, newKid, .ephemeral) }
            throw CAKeyError("\(label): cannot store the generated key: \(reason)")
        }
    }

    // MARK: Writing

    /// Writes `key` as a private JWK to `path`, atomically (temp file in the same directory + rename),
    /// file mode 0600, creating missing directories with mode 0700. Refuses to overwrite an existing file.
    ///
    /// The temporary file is created with `O_EXCL` and mode 0600 before any secret is written, then
    /// fsynced and published with `link(2)`, which fails rather than replaces when `path` already
    /// exists (so two concurrent writers cannot clobber each other).
    public static func write(_ key: PrivateJWK, to path: String) throws {
        switch store(key, at: path) {
        case .written: return
        case .exists: throw CAKeyError("\(path): already exists, refusing to overwrite")
        case .failed(let reason): throw CAKeyError("\(path): \(reason)")
        }
    }

    enum StoreResult {
        case written
        case exists
        case failed(String)
    }

    static func store(_ key: PrivateJWK, at path: String) -> StoreResult {
        guard !path.isEmpty else { return .failed("empty path") }
        let (directory, name) = split(path)
        guard !name.isEmpty, name != ".", name != ".." else { return .failed("not a file path") }
        if exists(path) { return .exists }
        if let problem = makeDirectories(directory) { return .failed(problem) }

        var contents = key.json().serialized()
        contents.append(UInt8(ascii: "\n"))
        defer {
            // Best effort: do not leave the secret in a heap buffer longer than needed.
            for index in contents.indices { contents[index] = 0 }
        }

        let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        let temporary = join(directory, ".\(name).tmp-\(suffix)")
        let fd = open(temporary, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, mode_t(0o600))
        guard fd >= 0 else { return .failed("cannot create temporary file: \(lastError())") }
        var published = false
        defer { if !published { unlink(temporary) } }

        // The creation mode is filtered by the umask, which can only remove bits; set it exactly.
        guard fchmod(fd, mode_t(0o600)) == 0 else {
            let reason = lastError()
            close(fd)
            return .failed("cannot set mode 0600: \(reason)")
        }
        if let problem = writeAll(fd, contents) {
            close(fd)
            return .failed("cannot write temporary file: \(problem)")
        }
        guard fsync(fd) == 0 else {
            let reason = lastError()
            close(fd)
            return .failed("cannot sync temporary file: \(reason)")
        }
        guard close(fd) == 0 else { return .failed("cannot close temporary file: \(lastError())") }

        if link(temporary, path) == 0 {
            unlink(temporary)
            published = true
        } else {
            let code = errno
            if code == EEXIST { return .exists }
            // Some filesystems have no hard links; fall back to rename, re-checking existence.
            guard code == EPERM || code == ENOTSUP || code == EOPNOTSUPP || code == EMLINK else {
                return .failed("cannot publish key file: \(describe(code))")
            }
            if exists(path) { return .exists }
            guard rename(temporary, path) == 0 else { return .failed("cannot rename key file: \(lastError())") }
            published = true
        }
        syncDirectory(directory)
        return .written
    }

    /// Writes every byte, retrying short writes and `EINTR`; returns an error text on failure.
    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> String? {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                posixWrite(fd, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                return lastError()
            }
            offset += written
        }
        return nil
    }

    /// Creates `directory` and missing ancestors with mode exactly 0700; existing directories are
    /// left as they are. Returns a problem description, or nil on success.
    private static func makeDirectories(_ directory: String) -> String? {
        var info = stat()
        if stat(directory, &info) == 0 {
            return isDirectory(info) ? nil : "\(directory) is not a directory"
        }
        guard errno == ENOENT else { return "cannot access \(directory): \(lastError())" }
        let (parent, name) = split(directory)
        if !name.isEmpty, parent != directory, let problem = makeDirectories(parent) { return problem }
        if mkdir(directory, mode_t(0o700)) != 0 {
            guard errno == EEXIST else { return "cannot create directory \(directory): \(lastError())" }
            return nil  // created concurrently by someone else; leave its mode alone
        }
        guard chmod(directory, mode_t(0o700)) == 0 else {
            return "cannot set mode 0700 on \(directory): \(lastError())"
        }
        return nil
    }

    private static func syncDirectory(_ directory: String) {
        let fd = open(directory, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }

    // MARK: Key directories

    /// Every "*.jwk" private key in `directory`, keyed by kid (missing directory → empty). Files that are
    /// not private Ed25519 JWKs are skipped and reported in `problems` (one line each, no key material).
    /// Also reports, as a problem, any key file readable by group or others (mode & 0o077 != 0).
    ///
    /// Files are visited in name order; when two files carry the same kid the first is kept and
    /// the second reported. Every returned key has its kid set (see ``kid(of:)``). A loosely
    /// permissioned key is still loaded; the problem line is a warning for the operator.
    public static func loadDirectory(_ directory: String) -> (keys: [String: PrivateJWK], problems: [String]) {
        var info = stat()
        guard stat(directory, &info) == 0 else {
            if errno == ENOENT { return ([:], []) }
            return ([:], ["\(directory): cannot access: \(lastError())"])
        }
        guard isDirectory(info) else { return ([:], ["\(directory): not a directory"]) }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            return ([:], ["\(directory): cannot list directory"])
        }

        var keys: [String: PrivateJWK] = [:]
        var sources: [String: String] = [:]
        var problems: [String] = []
        for name in names.sorted() where name.hasSuffix(".jwk") {
            let path = join(directory, name)
            let file: KeyFile
            do {
                guard let read = try readKeyFile(path, label: path, missingIsNil: true) else { continue }
                file = read
            } catch let error as CAKeyError {
                problems.append(error.message)
                continue
            } catch {
                problems.append("\(path): cannot read")
                continue
            }
            if file.mode & 0o077 != 0 {
                problems.append(
                    "\(path): key file is accessible by group or others (mode \(octal(file.mode))); run chmod 600"
                )
            }
            let key: PrivateJWK
            do {
                key = try decode(file.bytes, label: path)
            } catch let error as CAKeyError {
                problems.append(error.message + "; skipped")
                continue
            } catch {
                problems.append("\(path): not a private Ed25519 JWK; skipped")
                continue
            }
            let keyID = kid(of: key)
            if let first = sources[keyID] {
                problems.append("\(path): kid \(keyID) already loaded from \(first); skipped")
                continue
            }
            keys[keyID] = key
            sources[keyID] = path
        }
        return (keys, problems)
    }

    /// The file a rotated key is stored in: "<directory>/<kid>.jwk"; `kid` must match [A-Za-z0-9._-]+ (else throw).
    ///
    /// Kids longer than 200 characters are also refused, so the file name stays within common
    /// filesystem limits.
    public static func path(forKID kid: String, in directory: String) throws -> String {
        guard !kid.isEmpty, kid.utf8.count <= 200,
            kid.utf8.allSatisfy({ byte in
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"),
                    UInt8(ascii: "-"):
                    true
                default: false
                }
            })
        else {
            throw CAKeyError("kid is not usable as a file name (allowed: A-Z a-z 0-9 . _ -, at most 200)")
        }
        return join(directory, kid + ".jwk")
    }

    // MARK: Reading and decoding

    struct KeyFile {
        var bytes: [UInt8]
        /// Permission bits (`st_mode & 0o7777`).
        var mode: Int
    }

    /// Reads a key file (following symlinks, as secret mounts use them). Returns nil when the
    /// file does not exist (or cannot, because an ancestor is not a directory) and `missingIsNil`
    /// is set.
    static func readKeyFile(_ path: String, label: String, missingIsNil: Bool) throws -> KeyFile? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            // ENOTDIR: an ancestor is a regular file, so no key file can exist there either.
            if errno == ENOENT || errno == ENOTDIR, missingIsNil { return nil }
            throw CAKeyError("\(label): cannot open: \(lastError())")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw CAKeyError("\(label): cannot stat: \(lastError())") }
        guard Int(info.st_mode) & fileTypeMask == regularFileType else {
            throw CAKeyError("\(label): not a regular file")
        }
        guard Int(info.st_size) <= maxFileSize else {
            throw CAKeyError("\(label): file too large for a JWK (\(info.st_size) bytes)")
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw CAKeyError("\(label): cannot read: \(lastError())")
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            guard bytes.count <= maxFileSize else { throw CAKeyError("\(label): file too large for a JWK") }
        }
        for index in chunk.indices { chunk[index] = 0 }
        return KeyFile(bytes: bytes, mode: Int(info.st_mode) & 0o7777)
    }

    /// Parses a private Ed25519 JWK; errors quote only BadgeCore's fixed diagnostics, never input.
    static func decode(_ bytes: [UInt8], label: String) throws -> PrivateJWK {
        let json: JSONValue
        do throws(BadgeCoreError) {
            json = try JSONValue.parse(bytes)
        } catch {
            // The parser's message is a fixed phrase plus a byte offset.
            throw CAKeyError("\(label): not a private Ed25519 JWK (invalid JSON: \(error.message))")
        }
        guard json.objectValue != nil else {
            throw CAKeyError("\(label): not a private Ed25519 JWK (not a JSON object)")
        }
        guard json["d"] != nil else {
            throw CAKeyError("\(label): not a private Ed25519 JWK (public key only, no \"d\" member)")
        }
        let key: PrivateJWK
        do throws(BadgeCoreError) {
            key = try PrivateJWK(json: json)
        } catch {
            // BadgeCore's JWK messages are fixed strings ("crv must be Ed25519", "d does not derive x").
            throw CAKeyError("\(label): not a private Ed25519 JWK (\(error.message))")
        }
        return withKID(key, kid(of: key))
    }

    // MARK: Helpers

    /// Splits a path into its directory ("." when none) and last component.
    static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        var directory = String(path[..<slash])
        while directory.count > 1, directory.hasSuffix("/") { directory.removeLast() }
        return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
    }

    static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    private static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    private static func isDirectory(_ info: stat) -> Bool {
        Int(info.st_mode) & fileTypeMask == directoryType
    }

    private static func octal(_ mode: Int) -> String {
        let digits = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    private static func lastError() -> String { describe(errno) }

    private static func describe(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}

/// POSIX file-type bits of `st_mode` (identical on Linux and Darwin).
private let fileTypeMask = 0o170000
private let regularFileType = 0o100000
private let directoryType = 0o040000

/// `write(2)`, reachable under a name that `CAKeyFiles.write(_:to:)` does not shadow.
private func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}
