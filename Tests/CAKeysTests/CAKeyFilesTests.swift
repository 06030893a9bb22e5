import BadgeCore
import CAKeys
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A fresh directory under the system temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() throws {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("cakeys-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        path = url.path
    }

    func file(_ name: String) -> String { path + "/" + name }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

func permissions(_ path: String) throws -> Int {
    var info = stat()
    guard stat(path, &info) == 0 else { throw CAKeyError("stat \(path) failed") }
    return Int(info.st_mode) & 0o7777
}

func writeText(_ text: String, to path: String, mode: Int = 0o600) throws {
    #expect(FileManager.default.createFile(atPath: path, contents: Data(text.utf8)))
    #expect(chmod(path, mode_t(mode)) == 0)
}

func jwkText(_ key: PrivateJWK) -> String {
    String(decoding: key.json().serialized(), as: UTF8.self)
}

/// A private JWK's text with one member replaced (or removed when `value` is nil).
func jwkText(_ key: PrivateJWK, setting name: String, to value: JSONValue?) -> String {
    guard case .object(var members) = key.json() else { preconditionFailure() }
    members[name] = value
    return String(decoding: JSONValue.object(members).serialized(), as: UTF8.self)
}

func privateMember(_ key: PrivateJWK) -> String { key.json()["d"]!.stringValue! }

@Suite struct CAKeyFilesTests {
    // MARK: kids

    @Test func newKIDCarriesTheCreationTime() {
        #expect(CAKeyFiles.newKID(now: 1_700_000_000) == "capiscio-ca-1700000000")
    }

    @Test func kidPrefersTheKeysOwnKid() {
        let key = PrivateJWK.generate(kid: "my-kid")
        #expect(CAKeyFiles.kid(of: key) == "my-kid")
    }

    @Test func derivedKIDIsDeterministicThumbprintPrefix() throws {
        let original = PrivateJWK.generate(kid: "ignored")
        let withoutKID = try PrivateJWK(json: JSONValue.parse(Array(jwkText(original, setting: "kid", to: nil).utf8)))
        #expect(withoutKID.kid == nil)
        let derived = CAKeyFiles.kid(of: withoutKID)
        #expect(derived == "capiscio-ca-" + String(original.publicKey.thumbprint().prefix(16)))
        #expect(derived.count == "capiscio-ca-".count + 16)
        // A second decoding of the same key material gives the same kid.
        let again = try PrivateJWK(json: JSONValue.parse(Array(jwkText(original, setting: "kid", to: nil).utf8)))
        #expect(CAKeyFiles.kid(of: again) == derived)
        // A different key gives a different kid.
        let other = try PrivateJWK(
            json: JSONValue.parse(Array(jwkText(PrivateJWK.generate(kid: "x"), setting: "kid", to: nil).utf8)))
        #expect(CAKeyFiles.kid(of: other) != derived)
    }

    // MARK: loadPrimary

    @Test func inlineJWKWinsOverFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let fileKey = PrivateJWK.generate(kid: "file-key")
        let path = directory.file("ca.jwk")
        try CAKeyFiles.write(fileKey, to: path)
        let inlineKey = PrivateJWK.generate(kid: "inline-key")

        let loaded = try CAKeyFiles.loadPrimary(
            inlineJWK: jwkText(inlineKey), path: path, allowEphemeral: false, now: 1)
        #expect(loaded.source == .environment)
        #expect(loaded.kid == "inline-key")
        #expect(loaded.key.publicKey == inlineKey.publicKey)
    }

    @Test func inlineJWKWithoutKIDGetsDerivedKID() throws {
        let key = PrivateJWK.generate(kid: "x")
        let loaded = try CAKeyFiles.loadPrimary(
            inlineJWK: jwkText(key, setting: "kid", to: nil), path: "/nonexistent/never-written.jwk",
            allowEphemeral: false, now: 1)
        let expected = "capiscio-ca-" + String(key.publicKey.thumbprint().prefix(16))
        #expect(loaded.kid == expected)
        #expect(loaded.key.kid == expected)
        #expect(loaded.key.json()["kid"] == .string(expected))
    }

    @Test func emptyInlineJWKCountsAsUnset() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let key = PrivateJWK.generate(kid: "file-key")
        let path = directory.file("ca.jwk")
        try CAKeyFiles.write(key, to: path)
        let loaded = try CAKeyFiles.loadPrimary(inlineJWK: " \n", path: path, allowEphemeral: false, now: 1)
        #expect(loaded.source == .file)
        #expect(loaded.kid == "file-key")
    }

    @Test func fileIsLoadedWhenNoInline() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let key = PrivateJWK.generate(kid: "file-key")
        let path = directory.file("ca.jwk")
        try writeText(jwkText(key), to: path)

        let loaded = try CAKeyFiles.loadPrimary(inlineJWK: nil, path: path, allowEphemeral: false, now: 1)
        #expect(loaded.source == .file)
        #expect(loaded.kid == "file-key")
        #expect(loaded.key.publicKey == key.publicKey)
        // The private half round-trips too: signatures verify under the original public key.
        let message = Array("hello".utf8)
        #expect(key.publicKey.verify(signature: try loaded.key.sign(message), message: message))
    }

    @Test func generatesWritesMode0600In0700DirectoryAndReloadsSameKey() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let keyDirectory = directory.file("keys/nested")
        let path = keyDirectory + "/ca.jwk"

        let generated = try CAKeyFiles.loadPrimary(inlineJWK: nil, path: path, allowEphemeral: false, now: 1_700_000_123)
        #expect(generated.source == .generated)
        #expect(generated.kid == "capiscio-ca-1700000123")
        #expect(generated.key.kid == generated.kid)
        #expect(try permissions(path) == 0o600)
        #expect(try permissions(keyDirectory) == 0o700)
        #expect(try permissions(directory.file("keys")) == 0o700)
        // No temporary file is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: keyDirectory) == ["ca.jwk"])

        let reloaded = try CAKeyFiles.loadPrimary(inlineJWK: nil, path: path, allowEphemeral: false, now: 1_800_000_000)
        #expect(reloaded.source == .file)
        #expect(reloaded.kid == generated.kid)
        #expect(reloaded.key.publicKey == generated.key.publicKey)
        #expect(privateMember(reloaded.key) == privateMember(generated.key))
    }

    @Test func generatedFileModeIgnoresUmask() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // A umask that would turn 0600/0700 into 0400/0500 if the modes were not set explicitly.
        // (Process-wide, but the other tests set the modes they check explicitly too.)
        let previous = umask(0o277)
        defer { umask(previous) }
        let path = directory.file("fresh/ca.jwk")
        _ = try CAKeyFiles.loadPrimary(inlineJWK: nil, path: path, allowEphemeral: false, now: 1)
        #expect(try permissions(path) == 0o600)
        #expect(try permissions(directory.file("fresh")) == 0o700)
    }

    @Test func malformedInlineJSONIsRejectedWithoutKeyMaterial() throws {
        let key = PrivateJWK.generate(kid: "k")
        let secret = privateMember(key)
        let text = jwkText(key)
        for broken in [String(text.dropLast()), text + "}", text.replacingOccurrences(of: "\"d\":", with: "\"d\" ")] {
            let error = try #require(throws: CAKeyError.self) {
                try CAKeyFiles.loadPrimary(inlineJWK: broken, path: "/nonexistent/x.jwk", allowEphemeral: true, now: 1)
            }
            #expect(error.message.hasPrefix("CA_PRIVATE_KEY_JWK: not a private Ed25519 JWK"))
            #expect(!error.message.contains(secret))
            #expect(!error.message.contains("\n"))
        }
    }

    @Test func publicOnlyInlineJWKIsRejected() throws {
        let key = PrivateJWK.generate(kid: "k")
        let publicText = String(decoding: key.publicKey.json(kid: "k", alg: true, use: true).serialized(), as: UTF8.self)
        let error = try #require(throws: CAKeyError.self) {
            try CAKeyFiles.loadPrimary(inlineJWK: publicText, path: "/nonexistent/x.jwk", allowEphemeral: true, now: 1)
        }
        #expect(error.message.hasPrefix("CA_PRIVATE_KEY_JWK: not a private Ed25519 JWK"))
        #expect(error.message.contains("public key only"))
    }

    @Test func wrongCurveAndMismatchedKeysAreRejectedWithoutKeyMaterial() throws {
        let key = PrivateJWK.generate(kid: "k")
        let other = PrivateJWK.generate(kid: "o")
        let secret = privateMember(key)
        let cases = [
            jwkText(key, setting: "crv", to: "X25519"),
            jwkText(key, setting: "kty", to: "EC"),
            jwkText(key, setting: "x", to: other.json()["x"]),  // d does not derive x
            jwkText(key, setting: "d", to: .string(String(secret.dropLast(2)))),
        ]
        for text in cases {
            let error = try #require(throws: CAKeyError.self) {
                try CAKeyFiles.loadPrimary(inlineJWK: text, path: "/nonexistent/x.jwk", allowEphemeral: true, now: 1)
            }
            #expect(error.message.hasPrefix("CA_PRIVATE_KEY_JWK: not a private Ed25519 JWK"))
            #expect(!error.message.contains(secret))
            #expect(!error.message.contains(String(secret.dropLast(2))))
        }
    }

    @Test func malformedKeyFileNamesThePath() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let key = PrivateJWK.generate(kid: "k")
        let path = directory.file("ca.jwk")
        try writeText(jwkText(key, setting: "crv", to: "P-256"), to: path)
        let error = try #require(throws: CAKeyError.self) {
            try CAKeyFiles.loadPrimary(inlineJWK: nil, path: path, allowEphemeral: true, now: 1)
        }
        #expect(error.message.hasPrefix("CA_KEY_PATH \(path): not a private Ed25519 JWK"))
        #expect(!error.message.contains(privateMember(key)))
        // The bad file is left alone, not replaced by a generated key.
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("P-256"))
    }

    @Test func unwritablePathThrowsUnlessEphemeralAllowed() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let blocker = directory.file("not-a-directory")
        try writeText("plain file", to: blocker)
        let path = blocker + "/keys/ca.jwk"

        let error = try #require(throws: CAKeyError.self) {
            try CAKeyFiles.loadPrimary(inlineJWK: nil, path: path, allowEphemeral: false, now: 5)
        }
        #expect(error.message.hasPrefix("CA_KEY_PATH \(path): "))

        let ephemeral = try CAKeyFiles.loadPrimary(inlineJWK: nil, path: path, allowEphemeral: true, now: 5)
        #expect(ephemeral.source == .ephemeral)
        #expect(ephemeral.kid == "capiscio-ca-5")
        #expect(ephemeral.key.kid == "capiscio-ca-5")
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(try String(contentsOfFile: blocker, encoding: .utf8) == "plain file")
    }

    // MARK: write

    @Test func writeRefusesToOverwrite() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("ca.jwk")
        let first = PrivateJWK.generate(kid: "first")
        try CAKeyFiles.write(first, to: path)
        #expect(try permissions(path) == 0o600)

        let error = try #require(throws: CAKeyError.self) {
            try CAKeyFiles.write(PrivateJWK.generate(kid: "second"), to: path)
        }
        #expect(error.message.contains("already exists"))
        let (keys, problems) = CAKeyFiles.loadDirectory(directory.path)
        #expect(problems.isEmpty)
        #expect(Array(keys.keys) == ["first"])
        #expect(keys["first"]?.publicKey == first.publicKey)
    }

    @Test func writeRefusesToReplaceADanglingSymlink() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("ca.jwk")
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: directory.file("elsewhere"))
        #expect(throws: CAKeyError.self) { try CAKeyFiles.write(PrivateJWK.generate(kid: "k"), to: path) }
        #expect(!FileManager.default.fileExists(atPath: directory.file("elsewhere")))
    }

    @Test func writeLeavesExistingDirectoryModesAlone() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(chmod(directory.path, 0o755) == 0)
        try CAKeyFiles.write(PrivateJWK.generate(kid: "k"), to: directory.file("ca.jwk"))
        #expect(try permissions(directory.path) == 0o755)
    }

    // MARK: loadDirectory

    @Test func loadDirectoryFindsKeysSkipsGarbageAndFlagsLoosePermissions() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let first = PrivateJWK.generate(kid: "capiscio-ca-100")
        let second = PrivateJWK.generate(kid: "capiscio-ca-200")
        try CAKeyFiles.write(first, to: try CAKeyFiles.path(forKID: "capiscio-ca-100", in: directory.path))
        try writeText(jwkText(second), to: directory.file("capiscio-ca-200.jwk"), mode: 0o644)
        try writeText("{ not json", to: directory.file("garbage.jwk"))
        let publicOnly = String(decoding: first.publicKey.json.serialized(), as: UTF8.self)
        try writeText(publicOnly, to: directory.file("public.jwk"))
        try writeText("ignored: wrong extension", to: directory.file("notes.txt"))

        let (keys, problems) = CAKeyFiles.loadDirectory(directory.path)
        #expect(Set(keys.keys) == ["capiscio-ca-100", "capiscio-ca-200"])
        #expect(keys["capiscio-ca-100"]?.publicKey == first.publicKey)
        #expect(keys["capiscio-ca-200"]?.publicKey == second.publicKey)

        #expect(problems.count == 3, "\(problems)")
        #expect(problems.contains { $0.contains("garbage.jwk") && $0.contains("not a private Ed25519 JWK") })
        #expect(problems.contains { $0.contains("public.jwk") && $0.contains("public key only") })
        #expect(problems.contains { $0.contains("capiscio-ca-200.jwk") && $0.contains("0644") })
        #expect(!problems.contains { $0.contains("capiscio-ca-100") })
        #expect(!problems.contains { $0.contains("notes.txt") })
        #expect(problems.allSatisfy { !$0.contains("\n") })
        for key in [first, second] {
            #expect(problems.allSatisfy { !$0.contains(privateMember(key)) })
        }
    }

    @Test func loadDirectoryKeysByDerivedKIDAndReportsDuplicates() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let key = PrivateJWK.generate(kid: "unused")
        let text = jwkText(key, setting: "kid", to: nil)
        try writeText(text, to: directory.file("a.jwk"))
        try writeText(text, to: directory.file("b.jwk"))

        let (keys, problems) = CAKeyFiles.loadDirectory(directory.path)
        let derived = CAKeyFiles.kid(of: key.withoutKIDForTest())
        #expect(Array(keys.keys) == [derived])
        #expect(keys[derived]?.kid == derived)
        #expect(problems.count == 1)
        #expect(problems.first?.contains("b.jwk") == true)
    }

    @Test func loadDirectoryOfMissingDirectoryIsEmpty() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (keys, problems) = CAKeyFiles.loadDirectory(directory.file("absent"))
        #expect(keys.isEmpty)
        #expect(problems.isEmpty)
    }

    // MARK: path(forKID:)

    @Test func pathForKID() throws {
        #expect(try CAKeyFiles.path(forKID: "capiscio-ca-1700000000", in: "/var/keys") == "/var/keys/capiscio-ca-1700000000.jwk")
        #expect(try CAKeyFiles.path(forKID: "A.b_c-9", in: "keys/") == "keys/A.b_c-9.jwk")
        for bad in ["../x", "a/b", "", "with space", "k\u{00E9}y", "a\\b", "x\0y", String(repeating: "k", count: 201)] {
            #expect(throws: CAKeyError.self, "\(bad)") { try CAKeyFiles.path(forKID: bad, in: "/var/keys") }
        }
    }
}

extension PrivateJWK {
    /// The same key without a kid member.
    func withoutKIDForTest() -> PrivateJWK {
        try! PrivateJWK(json: JSONValue.parse(Array(jwkText(self, setting: "kid", to: nil).utf8)))
    }
}
