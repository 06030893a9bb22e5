import Crypto

extension Base16 {
    /// Lower-case hex SHA-256 of `text`'s UTF-8 bytes, hashed where they lie: this runs for every
    /// badge issued (its transparency log entry) and every authenticated request (API-key hashes),
    /// where copying the text into an array and hex-encoding the digest through its generic
    /// `Sequence` conformance showed up in profiles.
    public static func sha256(of text: String) -> String {
        var text = text
        var hasher = SHA256()
        text.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        return hasher.finalize().withUnsafeBytes { encode($0) }
    }
}
