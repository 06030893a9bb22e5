import BadgeCore
import Hummingbird
import NIOCore
import Registry

/// Reads request bodies as JSON objects, with a size limit.
enum JSONBody {
    /// The raw body; over `limit` bytes → 413.
    static func bytes(_ request: Request, limit: Int) async throws -> ByteBuffer {
        var request = request
        do {
            return try await request.collectBody(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw RegistryError(.payloadTooLarge, "request body exceeds \(limit) bytes")
        }
    }

    /// The body as a JSON object. An empty body is `{}` (CONTRACT.md §1.3: clients post nothing).
    /// Over `limit` bytes → 413; not JSON or not an object → 400.
    static func object(_ request: Request, limit: Int) async throws -> [String: JSONValue] {
        let buffer = try await bytes(request, limit: limit)
        if buffer.readableBytes == 0 { return [:] }
        let bytes = buffer.readableBytesView
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return [:] }
        let value: JSONValue
        do {
            value = try JSONValue.parse(bytes)
        } catch {
            throw RegistryError(.invalidJSON, "request body is not valid JSON: \(error.message)")
        }
        guard case .object(let object) = value else {
            throw RegistryError(.invalidJSON, "request body must be a JSON object")
        }
        try refuseNUL(value)
        return object
    }

    /// The body as any JSON value (`POST /v1/events` takes objects and arrays). Over `limit` bytes
    /// → 413; empty or not JSON → 400.
    static func value(_ request: Request, limit: Int) async throws -> JSONValue {
        let buffer = try await bytes(request, limit: limit)
        let value: JSONValue
        do {
            value = try JSONValue.parse(buffer.readableBytesView)
        } catch {
            throw RegistryError(.invalidJSON, "request body is not valid JSON: \(error.message)")
        }
        try refuseNUL(value)
        return value
    }

    /// Parses a body that is not read through `object` (the Clerk webhook, which must verify the
    /// exact bytes first): nil when not JSON; a NUL anywhere → 400 `invalid_input`.
    static func parse(_ bytes: [UInt8]) throws -> JSONValue? {
        guard let value = try? JSONValue.parse(bytes) else { return nil }
        try refuseNUL(value)
        return value
    }

    /// Every JSON body goes through here (see `NULRefusal`).
    private static func refuseNUL(_ value: JSONValue) throws {
        if NULRefusal.containsNUL(value) { throw NULRefusal.error("the request body") }
    }
}

/// Typed reads of optional members, with a 400 naming the member on a wrong type.
extension Dictionary where Key == String, Value == JSONValue {
    /// The first present key among `keys` (aliases), skipping JSON nulls.
    func first(_ keys: String...) -> (key: String, value: JSONValue)? {
        for key in keys { if let value = self[key], value != .null { return (key, value) } }
        return nil
    }

    /// A string member; nil when absent or null.
    func string(_ keys: String...) throws -> String? {
        for key in keys {
            switch self[key] {
            case nil, .null?: continue
            case .string(let s)?: return s
            default: throw RegistryError.invalidRequest("'\(key)' must be a string")
            }
        }
        return nil
    }

    /// For merge updates: absent → nil; null → .some(nil); string → .some(s).
    func patchString(_ keys: String...) throws -> String?? {
        for key in keys {
            switch self[key] {
            case nil: continue
            case .null?: return .some(nil)
            case .string(let s)?: return .some(s)
            default: throw RegistryError.invalidRequest("'\(key)' must be a string or null")
            }
        }
        return nil
    }
}
