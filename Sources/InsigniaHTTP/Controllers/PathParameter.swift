import Foundation
import Hummingbird
import Registry

extension AppRequestContext {
    /// A path parameter, percent-decoded exactly once (CONTRACT.md §1.2: decoding twice would
    /// corrupt `did:web` identifiers whose port is written `%3A`).
    func pathParameter(_ name: String) throws -> String {
        guard let raw = parameters.get(name) else { throw RegistryError.invalidRequest("missing path parameter \(name)") }
        guard let decoded = raw.removingPercentEncoding else { throw RegistryError.invalidRequest("\(name) is not validly percent-encoded") }
        return decoded
    }
}
