// IPAddress(text) and IPClassifier: the SSRF address filter's parser and verdicts.
// Sources: Sources/Outbound/IPAddress.swift Sources/Outbound/IPClassifier.swift
//
// Properties (text input):
// - an accepted address is ASCII and glibc's inet_pton (what the connecting code trusts) reads
//   the same text as the same bytes: the strict parser never means a different address;
// - the canonical description (RFC 5952) re-parses to the same address and is stable.
// Properties (the first 4 or 16 input bytes as an address):
// - the description round-trips;
// - an IPv4 address and its IPv4-mapped, IPv4-compatible and NAT64 forms get the same verdict
//   (blocked or not).
import Glibc

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIPAddress(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = inputBuffer(data, size)
    let text = String(decoding: input, as: UTF8.self)
    if let address = IPAddress(text) {
        require(input.allSatisfy { $0 > 0x20 && $0 < 0x7F }, "accepted non-printable or non-ASCII text")
        var raw = [UInt8](repeating: 0, count: 16)
        let family = address.isIPv4 ? AF_INET : AF_INET6
        require(inet_pton(family, text, &raw) == 1, "inet_pton rejects \(text)")
        require(Array(raw.prefix(address.bytes.count)) == address.bytes, "inet_pton reads \(text) differently")
        checkDescription(address)
        _ = IPClassifier.classify(address)
    }
    for count in [4, 16] where size >= count {
        let address = IPAddress(bytes: Array(input.prefix(count)))!
        checkDescription(address)
        let verdict = IPClassifier.classify(address)
        if count == 4 {
            let v4 = address.bytes
            let embeddings: [[UInt8]] = [
                [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF] + v4,
                [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] + v4,
                [0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0] + v4,
            ]
            for embedding in embeddings {
                let embedded = IPClassifier.classify(IPAddress(bytes: embedding)!)
                require((embedded == .allowed) == (verdict == .allowed), "\(address) and \(IPAddress(bytes: embedding)!) disagree")
            }
        }
    }
    return 0
}

func checkDescription(_ address: IPAddress) {
    let description = address.description
    guard let again = IPAddress(description) else { fatalError("description \(description) does not parse") }
    require(again == address, "\(description) parses to \(again)")
    require(again.description == description, "description is not stable")
}
