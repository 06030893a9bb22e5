import NIOCore
import PostgresNIO

/// A one-dimensional array bound in PostgreSQL's binary format, whose elements may be NULL
/// (PostgresNIO's own arrays have no NULL elements): `SQLValue.texts` and `SQLValue.ints`.
struct PostgresColumnArray: PostgresDynamicTypeEncodable {
    enum Elements {
        case texts([String?])
        case ints([Int64?])
    }

    let elements: Elements

    var psqlFormat: PostgresFormat { .binary }
    var psqlType: PostgresDataType {
        switch elements {
        case .texts: .textArray
        case .ints: .int8Array
        }
    }

    /// `array_recv`'s layout: dimensions, has-NULL flag, element type; then the dimension's length
    /// and lower bound; then each element as a length (-1 for NULL) and its bytes.
    func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context _: PostgresEncodingContext<JSONEncoder>) {
        switch elements {
        case .texts(let values):
            Self.writeHeader(count: values.count, hasNull: values.contains(nil), element: .text, into: &buffer)
            for value in values {
                guard let value else { buffer.writeInteger(-1, as: Int32.self); continue }
                buffer.writeInteger(Int32(value.utf8.count))
                buffer.writeString(value)
            }
        case .ints(let values):
            Self.writeHeader(count: values.count, hasNull: values.contains(nil), element: .int8, into: &buffer)
            for value in values {
                guard let value else { buffer.writeInteger(-1, as: Int32.self); continue }
                buffer.writeInteger(8, as: Int32.self)
                buffer.writeInteger(value)
            }
        }
    }

    private static func writeHeader(count: Int, hasNull: Bool, element: PostgresDataType, into buffer: inout ByteBuffer) {
        buffer.writeInteger(count == 0 ? 0 : 1, as: Int32.self)
        buffer.writeInteger(hasNull ? 1 : 0, as: Int32.self)
        buffer.writeInteger(element.rawValue)
        guard count > 0 else { return }
        buffer.writeInteger(Int32(count))
        buffer.writeInteger(1, as: Int32.self)
    }
}
