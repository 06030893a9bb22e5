import BadgeCore
import Foundation
import Registry

/// `CASigningKeys` over key files: the primary key (`CA_PRIVATE_KEY_JWK` or `CA_KEY_PATH`) plus
/// every `<kid>.jwk` in the key directory, where `insignia ca rotate` writes new keys.
///
/// A kid this process does not know triggers one re-read of the directory, so a server picks up
/// a key that another process rotated in without a restart.
public final class FileCAKeys: CASigningKeys {
    /// Directory holding rotated keys (the directory of `CA_KEY_PATH`).
    public let directory: String
    private let state: State

    public init(primary: PrivateJWK, primaryKID: String, directory: String) {
        self.directory = directory
        self.state = State(keys: [primaryKID: primary])
        reload()
    }

    public func signer(kid: String) async throws -> (any JWSSigner)? {
        if let key = state.key(kid) { return Ed25519Signer(key: key, kid: kid) }
        reload()
        return state.key(kid).map { Ed25519Signer(key: $0, kid: kid) }
    }

    /// Problems found in the key directory on the last read (unreadable files, loose permissions).
    public var problems: [String] { state.problems() }

    private func reload() {
        let (keys, problems) = CAKeyFiles.loadDirectory(directory)
        state.merge(keys, problems: problems)
    }

    private final class State: @unchecked Sendable {
        private let lock = NSLock()
        private var keys: [String: PrivateJWK]
        private var lastProblems: [String] = []

        init(keys: [String: PrivateJWK]) { self.keys = keys }

        func key(_ kid: String) -> PrivateJWK? { lock.withLock { keys[kid] } }
        func problems() -> [String] { lock.withLock { lastProblems } }
        func merge(_ loaded: [String: PrivateJWK], problems: [String]) {
            lock.withLock {
                keys.merge(loaded) { current, _ in current }
                lastProblems = problems
            }
        }
    }
}
