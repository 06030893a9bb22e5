#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOPosix

/// Resolves names with getaddrinfo(3) on a thread pool, so the blocking call never runs on an
/// event loop or a Swift concurrency thread.
enum SystemResolver {
    /// A cancellable resolve function: on cancellation (the fetch deadline) it returns at once and
    /// the still-running getaddrinfo call's answer is dropped.
    static func resolver(pool: NIOThreadPool, group: any EventLoopGroup) -> SafeHTTPFetcher.Resolve {
        { host in
            let promise = group.next().makePromise(of: [IPAddress].self)
            pool.runIfActive(eventLoop: promise.futureResult.eventLoop) { try lookup(host) }.cascade(to: promise)
            return try await withTaskCancellationHandler {
                try await promise.futureResult.get()
            } onCancel: {
                promise.fail(CancellationError())
            }
        }
    }

    /// Every A and AAAA answer for `host`, deduplicated, in getaddrinfo's preference order.
    static func lookup(_ host: String) throws(FetchError) -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Darwin)
        hints.ai_socktype = SOCK_STREAM
        #else
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        // The trailing dot makes the name absolute, so resolv.conf search domains never apply.
        let status = getaddrinfo(host + ".", nil, &hints, &list)
        guard status == 0, let first = list else {
            throw FetchError(.dnsFailed, "cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(first) }
        var addresses: [IPAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor?.pointee {
            cursor = entry.ai_next
            guard let socketAddress = entry.ai_addr else { continue }
            let bytes: [UInt8]
            switch entry.ai_family {
            case AF_INET:
                bytes = socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                    withUnsafeBytes(of: $0.pointee.sin_addr) { Array($0) }
                }
            case AF_INET6:
                bytes = socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    withUnsafeBytes(of: $0.pointee.sin6_addr) { Array($0) }
                }
            default:
                continue
            }
            if let address = IPAddress(bytes: bytes), !addresses.contains(address) { addresses.append(address) }
        }
        guard !addresses.isEmpty else { throw FetchError(.dnsFailed, "no addresses for \(host)") }
        return addresses
    }
}
