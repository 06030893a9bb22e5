import Foundation

/// Files only the current user may read: directories 0700, files 0600, replaced atomically
/// (a temporary file created 0600 with `O_EXCL`, fsynced, renamed over the target), so a reader
/// never sees a half-written state and no other user ever sees the file at all.
enum PrivateFiles {
    /// Creates `path` (and missing parents) with mode 0700. An existing directory that group or
    /// others can access is refused, not silently tightened: it may be a shared directory given
    /// by mistake (e.g. `/tmp`).
    static func directory(_ path: String) throws {
        var info = stat()
        if stat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else { throw CommandError("\(path) is not a directory") }
            guard info.st_mode & 0o077 == 0 else {
                throw CommandError("\(path) is accessible to group or others (mode \(String(info.st_mode & 0o777, radix: 8))); chmod 700 it or choose another directory")
            }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw CommandError("cannot create \(path): \(error.localizedDescription)")
        }
        guard chmod(path, 0o700) == 0 else { throw CommandError("cannot set mode 0700 on \(path): \(String(cString: strerror(errno)))") }
    }

    /// Replaces `path` with `bytes`, mode 0600.
    static func write(_ bytes: [UInt8], to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).tmp-\(String(UInt64.random(in: 0...UInt64.max), radix: 16))").path
        let fd = open(temporary, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, mode_t(0o600))
        guard fd >= 0 else { throw CommandError("cannot create \(temporary): \(String(cString: strerror(errno)))") }
        var published = false
        defer { if !published { unlink(temporary) } }
        let problem: String? = bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return String(cString: strerror(errno))
                }
                offset += written
            }
            // The creation mode passes through the umask, which only removes bits; set it exactly.
            return fchmod(fd, 0o600) == 0 && fsync(fd) == 0 ? nil : String(cString: strerror(errno))
        }
        close(fd)
        if let problem { throw CommandError("cannot write \(path): \(problem)") }
        guard rename(temporary, path) == 0 else { throw CommandError("cannot write \(path): \(String(cString: strerror(errno)))") }
        published = true
    }

    /// The contents of `path`, or nil when it does not exist.
    static func read(_ path: String) throws -> [UInt8]? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else { throw CommandError("cannot read \(path)") }
        return Array(data)
    }
}
