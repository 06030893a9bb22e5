// JSONValue.parse: the strict RFC 8259 parser that reads through UnsafeBufferPointer.
// Sources: Sources/BadgeCore/JSONValue.swift Sources/BadgeCore/JSONValue+Parsing.swift Sources/BadgeCore/JSONValue+Serialization.swift Sources/BadgeCore/ECMAScriptNumber.swift Sources/BadgeCore/BadgeCoreError.swift
//
// Properties:
// - isValidUTF8 (the parser's strict validator) agrees with the standard library's validation;
// - the contiguous path (reading libFuzzer's buffer in place) and the copying path give the same
//   result, value or error;
// - an accepted document is valid UTF-8;
// - parse → serialized → parse gives an equivalent value (numbers compared as numbers: 1.0 is
//   written `1` and comes back as an integer), and serialization is then byte-stable;
// - canonicalJSON (RFC 8785) output parses and is byte-stable too.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = inputBuffer(data, size)
    let valid = String(validating: input, as: UTF8.self) != nil
    require(isValidUTF8(input) == valid, "isValidUTF8 disagrees with the standard library")

    let inPlace = Result { () throws(BadgeCoreError) in try JSONValue.parse(input) }
    let copied = Result { () throws(BadgeCoreError) in try JSONValue.parse(input.lazy.map { $0 }) }
    require(inPlace == copied, "contiguous and copying parse paths disagree")
    guard case .success(let value) = inPlace else { return 0 }
    require(valid, "accepted a document that is not valid UTF-8")

    let text = value.serialized()
    guard let again = try? JSONValue.parse(text) else {
        fatalError("serialized output does not parse: \(String(decoding: text, as: UTF8.self))")
    }
    require(equivalent(value, again), "parse → serialize → parse changed the value")
    require(again.serialized() == text, "serialization is not byte-stable")

    let canonical = value.canonicalJSON()
    guard let reparsed = try? JSONValue.parse(canonical) else {
        fatalError("canonical output does not parse: \(String(decoding: canonical, as: UTF8.self))")
    }
    require(reparsed.canonicalJSON() == canonical, "canonical form is not byte-stable")
    return 0
}

/// Structural equality where numbers compare by value and strings by their exact bytes (Swift's
/// `==` on strings uses canonical equivalence, which would hide a changed spelling).
func equivalent(_ a: JSONValue, _ b: JSONValue) -> Bool {
    switch (a, b) {
    case (.null, .null): return true
    case let (.bool(x), .bool(y)): return x == y
    case let (.int(x), .int(y)): return x == y
    case let (.double(x), .double(y)): return x == y
    case let (.double(x), .int(y)), let (.int(y), .double(x)): return x == Double(y)
    case let (.string(x), .string(y)): return x.utf8.elementsEqual(y.utf8)
    case let (.array(x), .array(y)): return x.count == y.count && zip(x, y).allSatisfy(equivalent)
    case let (.object(x), .object(y)):
        guard x.count == y.count else { return false }
        return x.allSatisfy { key, value in
            guard let index = y.index(forKey: key) else { return false }
            return y[index].key.utf8.elementsEqual(key.utf8) && equivalent(value, y[index].value)
        }
    default: return false
    }
}
