import BadgeCore
import Foundation
import Hummingbird
import NIOCore
import Registry

/// Reads request bodies as JSON objects, with a size limit.
enum JSONBody {
    /// The body as a JSON object. An empty body is `{}` (CONTRACT.md §1.3: clients post nothing).
    /// A `Content-Type` that is present and not JSON → 415 (a missing one is fine: clients omit
    /// it). Over `limit` bytes → 413; not JSON or not an object → 400.
    static func object(_ request: Request, limit: Int) async throws -> [String: JSONValue] {
        if let type = request.headers[.contentType], !isJSON(type) {
            throw RegistryError(.unsupportedMediaType, "request body must be application/json")
        }
        var request = request
        let buffer = try await collect(&request, limit: limit)
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

    /// The body as any JSON value (`POST /v1/events` takes objects and arrays). A `Content-Type`
    /// that is present and not JSON → 415; over `limit` bytes → 413; empty or not JSON → 400.
    static func value(_ request: Request, limit: Int) async throws -> JSONValue {
        if let type = request.headers[.contentType], !isJSON(type) {
            throw RegistryError(.unsupportedMediaType, "request body must be application/json")
        }
        var request = request
        let buffer = try await collect(&request, limit: limit)
        let value: JSONValue
        do {
            value = try JSONValue.parse(buffer.readableBytesView)
        } catch {
            throw RegistryError(.invalidJSON, "request body is not valid JSON: \(error.message)")
        }
        try refuseNUL(value)
        return value
    }

    /// The whole body, up to `limit` bytes (more → 413). Any other failure while reading means the
    /// client went away mid-request (reset, end of stream inside the body): that is the client's
    /// abort, answered (to nobody) and counted as 499, never a server error.
    static func collect(_ request: inout Request, limit: Int) async throws -> ByteBuffer {
        do {
            return try await request.collectBody(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw RegistryError(.payloadTooLarge, "request body exceeds \(limit) bytes")
        } catch {
            throw RegistryError(.clientClosedRequest, "the client closed the connection before sending the whole request body")
        }
    }

    /// `application/json` or an `application/…+json` type, with any parameters; an empty value
    /// counts as absent.
    static func isJSON(_ contentType: String) -> Bool {
        let essence = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let type = essence.trimmingCharacters(in: .whitespaces).lowercased()
        return type.isEmpty || type == "application/json" || (type.hasPrefix("application/") && type.hasSuffix("+json"))
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
