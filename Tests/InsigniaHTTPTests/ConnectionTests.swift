import BadgeCore
import Foundation
import StoreConformance
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Connection handling on a real socket: what happens to connections the server answers early.
@Suite struct ConnectionTests {
    @Test(arguments: TestBackend.available)
    func anEarly413ClosesTheConnection(backend: TestBackend) async throws {
        try await TestApp.run(backend, transport: .live) { app in
            let port = try #require(app.client.port)
            let socket = try RawSocket(port: port)
            defer { socket.close() }
            // Headers promising 4 MiB with Connection: close, then 1.5 MiB of it, never the rest.
            try await socket.send(Array((
                "POST /v1/validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: \(4 << 20)\r\nConnection: close\r\n\r\n"
            ).utf8))
            let chunk = [UInt8](repeating: UInt8(ascii: " "), count: 64 << 10)
            for _ in 0..<24 { _ = try? await socket.send(chunk) }
            // The 413 arrives, then end of stream.
            let answer = await socket.readUntilEOF(within: 10)
            #expect(answer.eof, "the server did not shut its side within 10 s")
            let text = String(decoding: answer.bytes, as: UTF8.self)
            #expect(text.hasPrefix("HTTP/1.1 413"), "\(text.prefix(200))")
            #expect(text.contains("payload_too_large"))
            // And the server lets go of the connection: more body bytes are reset, not just buffered.
            let deadline = Date().addingTimeInterval(10)
            var refused = false
            while Date() < deadline, !refused {
                do {
                    try await socket.send([UInt8](repeating: UInt8(ascii: " "), count: 1024))
                    try await Task.sleep(for: .milliseconds(100))
                } catch let error as POSIXError where error.code == .ECONNRESET || error.code == .EPIPE {
                    refused = true
                } catch {}
            }
            #expect(refused, "the server still holds the connection 10 s after its 413")
        }
    }

    @Test(arguments: TestBackend.available)
    func aClientThatAbortsItsUploadIsCountedAsAnAbortNotA500(backend: TestBackend) async throws {
        try await TestApp.run(backend, transport: .live) { app in
            let socket = try RawSocket(port: try #require(app.client.port))
            try await socket.send(Array((
                "POST /v1/validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"token\": \""
            ).utf8))
            try await Task.sleep(for: .milliseconds(200))
            socket.close()
            var lines: [Substring] = []
            for _ in 0..<50 {
                let metrics = try await app.request(.get, "/metrics").text
                lines = metrics.split(separator: "\n").filter { $0.hasPrefix("insignia_http_requests_total") && $0.contains("/v1/validate") }
                if !lines.isEmpty { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(lines.contains { $0.contains(#"status="499""#) }, "\(lines)")
            #expect(!lines.contains { $0.contains(#"status="5"#) }, "\(lines)")
        }
    }

    @Test(arguments: TestBackend.available)
    func requestsTheParserRejectsGetTheJSONErrorBody(backend: TestBackend) async throws {
        try await TestApp.run(backend, transport: .live) { app in
            let port = try #require(app.client.port)
            let huge = String(repeating: "a", count: 1 << 20)
            for (name, request) in [
                ("NUL in the request line", "GET /he\u{0}alth HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
                ("CR in the request line", "GET /he\ralth HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
                ("a 1 MB header", "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: \(huge)\r\n\r\n"),
            ] {
                let socket = try RawSocket(port: port)
                defer { socket.close() }
                try? await socket.send(Array(request.utf8), within: 10)
                let answer = await socket.readUntilEOF(within: 10)
                let text = String(decoding: answer.bytes, as: UTF8.self)
                #expect(answer.eof, "\(name): connection not closed")
                #expect(text.hasPrefix("HTTP/1.1 400"), "\(name): \(text.prefix(200))")
                let body = text.components(separatedBy: "\r\n\r\n").dropFirst().joined()
                let json = try? JSONValue.parse(Array(body.utf8))
                #expect(json?["error"] == "invalid_request" && json?["success"] == false, "\(name): \(body)")
            }
            // The server is still fine.
            #expect(try await app.request(.get, "/health").status == .ok)
        }
    }

    @Test(arguments: TestBackend.available)
    func halfSentRequestsAndIdleConnectionsAreClosedAfterTheReadTimeout(backend: TestBackend) async throws {
        try await TestApp.run(backend, configure: { $0.readTimeoutSeconds = 1 }, transport: .live) { app in
            let port = try #require(app.client.port)
            // Headers that never end.
            let headers = try RawSocket(port: port)
            defer { headers.close() }
            try await headers.send(Array("POST /v1/validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Ty".utf8))
            let cutHeaders = await headers.readUntilEOF(within: 6)
            #expect(cutHeaders.eof && cutHeaders.bytes.isEmpty, "a half-sent header block was not closed")
            // A body that never ends.
            let body = try RawSocket(port: port)
            defer { body.close() }
            try await body.send(Array("POST /v1/validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"to".utf8))
            let cutBody = await body.readUntilEOF(within: 6)
            #expect(cutBody.eof, "a half-sent body was not closed")
            // A kept-alive connection that goes idle after its answer.
            let idle = try RawSocket(port: port)
            defer { idle.close() }
            try await idle.send(Array("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8))
            let answered = await idle.readUntilEOF(within: 6)
            #expect(answered.eof && String(decoding: answered.bytes, as: UTF8.self).hasPrefix("HTTP/1.1 200"), "\(String(decoding: answered.bytes, as: UTF8.self))")
        }
    }

    @Test(arguments: TestBackend.available)
    func aRequestSentInTimeIsServed(backend: TestBackend) async throws {
        // Headers in pieces with pauses, all of them well inside the timeout: 0.9 s of pauses against
        // 5 s, so that a test run stalled for a second or two (seen in the full parallel run) still
        // sends in time.
        try await TestApp.run(backend, configure: { $0.readTimeoutSeconds = 5 }, transport: .live) { app in
            let socket = try RawSocket(port: try #require(app.client.port))
            defer { socket.close() }
            for piece in ["GET /heal", "th HTTP/1.1\r\n", "Host: 127.0.0.1\r\nConnection: close\r\n\r\n"] {
                try await socket.send(Array(piece.utf8))
                try await Task.sleep(for: .milliseconds(300))
            }
            let answer = await socket.readUntilEOF(within: 10)
            #expect(String(decoding: answer.bytes, as: UTF8.self).hasPrefix("HTTP/1.1 200"))
        }
    }
}

/// A loopback TCP client for byte-level tests. Non-blocking: waiting sleeps the task instead of
/// blocking a thread of the cooperative pool, which the server under test shares.
struct RawSocket {
    let fd: Int32

    init(port: Int) throws {
        #if canImport(Glibc)
        fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        fd = Darwin.socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    /// Sends all of `bytes`; throws the errno when the connection refuses them (reset, closed), or
    /// EAGAIN when they could not be sent within `seconds`.
    func send(_ bytes: [UInt8], within seconds: Double = 2) async throws {
        var offset = 0
        let deadline = Date().addingTimeInterval(seconds)
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { buffer in
                #if canImport(Glibc)
                Glibc.send(fd, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL))
                #else
                Darwin.send(fd, buffer.baseAddress, buffer.count, 0)
                #endif
            }
            if sent > 0 {
                offset += sent
                continue
            }
            let code = errno
            guard code == EAGAIN || code == EWOULDBLOCK || code == EINTR, Date() < deadline else {
                throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Reads until end of stream (or a reset) or `seconds` pass; `eof` tells which.
    func readUntilEOF(within seconds: Double) async -> (bytes: [UInt8], eof: Bool) {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 << 10)
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 { return (bytes, true) }
            if count > 0 {
                bytes += buffer[..<count]
            } else if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR {
                try? await Task.sleep(for: .milliseconds(10))
            } else {
                return (bytes, true)
            }
        }
        return (bytes, false)
    }

    func close() {
        #if canImport(Glibc)
        _ = Glibc.close(fd)
        #else
        _ = Darwin.close(fd)
        #endif
    }
}
