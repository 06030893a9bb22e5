// DNSMessage.parse: DNS responses (RFC 1035 wire format) from the DNS-01 resolver's upstream.
// Sources: Sources/Outbound/DNSMessage.swift
//
// The query id is the input's first two bytes and the question name and type are read from the
// input, so mutations reach the answer section rather than stopping at "different question".
//
// Properties:
// - never more records than the header's answer count;
// - txtValues terminates (CNAME loops) and only reports names reached from the question;
// - for any name `query` accepts, the query echoed back with QR set parses as an empty answer.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDNS(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(inputBuffer(data, size))
    let id: UInt16 = size >= 2 ? UInt16(bytes[0]) << 8 | UInt16(bytes[1]) : 0
    var question = DNSMessage.Reader(bytes: bytes, offset: 12)
    let name = (try? question.name()) ?? "_acme-challenge.example.com"
    let type = (try? question.u16()) ?? DNSMessage.typeTXT

    if let response = try? DNSMessage.parse(bytes, id: id, name: name, type: type) {
        let ancount = Int(bytes[6]) << 8 | Int(bytes[7])
        require(response.answers.count <= ancount, "more records than ANCOUNT")
        let (_, finalName) = DNSMessage.txtValues(response, for: name)
        let reachable = Set([name.lowercased()] + response.answers.compactMap { record -> String? in
            if case .cname(_, let target) = record { return target }
            return nil
        })
        require(reachable.contains(finalName), "CNAME chain ended outside the answer")
    }

    if var echo = try? DNSMessage.query(id: id, name: name, type: type) {
        echo[2] |= 0x80
        do {
            let response = try DNSMessage.parse(echo, id: id, name: name, type: type)
            require(response.answers.isEmpty && !response.truncated && response.rcode == 0, "echo has content")
        } catch {
            fatalError("our own query, echoed, does not parse (\(error)) for name \(Array(name.utf8))")
        }
    }
    return 0
}
