import BadgeCore
import HTTPTypes
import Hummingbird
import Registry
import NIOCore

/// Builders for JSON responses in the two envelope families of CONTRACT.md §1.3.
enum APIResponse {
    static let jsonContentType = "application/json; charset=utf-8"

    /// A bare JSON body.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok, contentType: String = jsonContentType, headers: HTTPFields = [:]) -> Response {
        json(serialized: value.serialized(), status: status, contentType: contentType, headers: headers)
    }

    /// A bare JSON body already serialized (a document served many times as built once).
    static func json(serialized bytes: [UInt8], status: HTTPResponse.Status = .ok, contentType: String = jsonContentType, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = contentType
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// `{"success": true, "data": …, "message": …}` plus any extra top-level members.
    static func wrapped(
        _ data: JSONValue?, message: String? = nil, status: HTTPResponse.Status = .ok, extra: [String: JSONValue] = [:]
    ) -> Response {
        var object = extra
        object["success"] = .bool(true)
        if let data { object["data"] = data }
        if let message { object["message"] = .string(message) }
        return json(.object(object), status: status)
    }

    /// The error body every non-2xx response carries: `{"success": false, "error", "message"}`.
    static func error(status: HTTPResponse.Status, code: ErrorCode, message: String, headers: HTTPFields = [:]) -> Response {
        json(.object(["success": .bool(false), "error": .string(code.rawValue), "message": .string(message)]), status: status, headers: headers)
    }
}

extension JSONValue {
    /// An RFC 3339 time or `.null` — never `""` (CONTRACT.md §1.3).
    static func time(_ seconds: Int64?) -> JSONValue { seconds.map { .string(Timestamp.rfc3339($0)) } ?? .null }
}
