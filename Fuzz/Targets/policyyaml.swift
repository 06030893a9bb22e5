// YAMLParser and PolicyDocument: policy documents (`yaml_content` of policy proposals, issue #16).
// Sources: Sources/PolicyCore/YAMLNode.swift Sources/PolicyCore/YAMLParser.swift Sources/PolicyCore/PolicyDocument.swift Sources/PolicyCore/PolicyDocumentDecoder.swift
//
// Properties:
// - parsing never crashes, hangs or reads out of bounds, whatever the bytes;
// - an error names a line of the input (or 0 for the whole document);
// - an accepted tree respects the nesting and node limits;
// - an accepted tree written back in flow style with quoted scalars parses to the same tree
//   (scalars compared by value, null kept as null);
// - the policy decoder accepts or refuses every parsed tree without crashing.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPolicyYAML(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(inputBuffer(data, size))
    let lines = bytes.reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
    let tree: YAMLNode
    do {
        tree = try YAMLParser.parse(bytes)
    } catch {
        require((0...lines).contains(error.line), "error line \(error.line) outside 0...\(lines)")
        return 0
    }
    let (depth, nodes) = measure(tree)
    require(depth <= YAMLParser.maxDepth && nodes <= YAMLParser.maxNodes, "limits exceeded: depth \(depth), nodes \(nodes)")
    let text = emit(tree)
    do {
        let again = try YAMLParser.parse(Array(text.utf8))
        require(normalised(again) == normalised(tree), "round trip changed the tree: \(text)")
    } catch {
        require(false, "re-emitted tree refused (\(error)): \(text)")
    }
    _ = try? PolicyDocument.parse(bytes)
    return 0
}

/// Nesting depth and node count.
private func measure(_ node: YAMLNode) -> (Int, Int) {
    switch node {
    case .scalar: return (1, 1)
    case .sequence(let items, _):
        let parts = items.map(measure)
        return (1 + (parts.map(\.0).max() ?? 0), 1 + parts.map(\.1).reduce(0, +))
    case .mapping(let entries, _):
        let parts = entries.map { measure($0.value) }
        return (1 + (parts.map(\.0).max() ?? 0), 1 + parts.map(\.1).reduce(0, +))
    }
}

/// The tree without lines and quoting: scalars as their value, or nil for null.
private indirect enum Shape: Equatable {
    case scalar(String?)
    case sequence([Shape])
    case mapping([String], [Shape])
}

private func normalised(_ node: YAMLNode) -> Shape {
    switch node {
    case .scalar(let text, _, _): return .scalar(node.isNull ? nil : text)
    case .sequence(let items, _): return .sequence(items.map(normalised))
    case .mapping(let entries, _): return .mapping(entries.map(\.key), entries.map { normalised($0.value) })
    }
}

/// One line of flow YAML: collections in brackets, scalars double-quoted, null as `null`.
private func emit(_ node: YAMLNode) -> String {
    switch node {
    case .scalar(let text, _, _): return node.isNull ? "null" : quote(text)
    case .sequence(let items, _): return "[" + items.map(emit).joined(separator: ", ") + "]"
    case .mapping(let entries, _): return "{" + entries.map { quote($0.key) + ": " + emit($0.value) }.joined(separator: ", ") + "}"
    }
}

private func quote(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F {
                let hex = String(scalar.value, radix: 16)
                out += "\\x" + (hex.count == 1 ? "0" + hex : hex)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}
