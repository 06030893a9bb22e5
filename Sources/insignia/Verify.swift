import ArgumentParser
import BadgeCore
import Foundation
import InsigniaApp

/// `insignia verify`: RFC-002 §8.1 against a signed trust snapshot instead of the registry.
struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify a badge offline against the issuer's signed trust snapshot; print one JSON object.",
        discussion: """
            Prints {"valid","level","sub","jti","warnings"} and, on failure, "error" (the code) and "message". \
            Exit status: 0 valid, 1 invalid (including a refused snapshot: SNAPSHOT_UNTRUSTED, SNAPSHOT_EXPIRED, \
            SNAPSHOT_ROLLBACK, SNAPSHOT_EQUIVOCATION, SNAPSHOT_INVALID), 2 usage or I/O error. \
            Without --snapshot or --server the last verified snapshot in the state directory is used.
            """
    )
    @Argument(help: "The badge (compact JWS), or - to read it from stdin (keeps it out of the process list).")
    var token: String
    @OptionGroup var source: SnapshotSourceOptions
    @Option(help: "This verifier's identity: when the badge has aud, it must list this.") var audience: String?
    @Option(help: "Seconds after the snapshot's iat beyond which revocation status is unknown (RFC-002 §7.5).")
    var maxStaleness: Int64 = 300

    func validate() throws {
        guard maxStaleness >= 0 else { throw ValidationError("--max-staleness must not be negative") }
    }

    func run() async throws {
        let now = Int64(Date().timeIntervalSince1970)
        let badge = token == "-" ? SnapshotSource.token(Array(FileHandle.standardInput.readDataToEndOfFile())) : token
        let outcome: Result<OfflineVerification, OfflineVerificationFailure>
        do {
            let (anchor, state) = try await SnapshotSource(options: source, now: now).load()
            let verifier = SnapshotBadgeVerifier(
                snapshot: state.snapshot, snapshotKeys: Set(anchor.snapshotKeys.map(\.key)), maxStaleness: maxStaleness)
            do throws(OfflineVerificationFailure) {
                outcome = .success(try await verifier.verify(badge, now: now, audience: audience))
            } catch {
                outcome = .failure(error)
            }
        } catch let refused as TrustSnapshotError {
            outcome = .failure(.snapshot(refused))
        } catch {
            FileHandle.standardError.write(Data("insignia: \(Self.describe(error))\n".utf8))
            throw ExitCode(2)
        }
        print(String(decoding: VerifyReport(outcome: outcome, token: badge).json.serialized(), as: UTF8.self))
        if case .failure = outcome { throw ExitCode(1) }
    }

    static func describe(_ error: any Error) -> String {
        (error as? OperatorFacingError)?.description ?? String(describing: error).prefix(300).description
    }
}

/// The one JSON object `insignia verify` prints.
struct VerifyReport {
    let outcome: Result<OfflineVerification, OfflineVerificationFailure>
    let token: String

    var json: JSONValue {
        switch outcome {
        case .success(let verified):
            return Self.object(valid: true, claims: verified.claims, warnings: verified.warnings)
        case .failure(let failure):
            var members = Self.object(valid: false, claims: verifiedClaims(failure), warnings: []).objectValue!
            members["error"] = .string(failure.code)
            members["message"] = .string(failure.message)
            return .object(members)
        }
    }

    /// Claims are shown on failure only when the signature verified (the payload is then the
    /// issuer's); otherwise they are whatever the presenter wrote.
    private func verifiedClaims(_ failure: OfflineVerificationFailure) -> BadgeClaims? {
        guard case .badge(let error) = failure, error.signatureVerified,
            let payload = try? CompactJWS.parse(token).payload
        else { return nil }
        return try? BadgeClaims(json: payload)
    }

    private static func object(valid: Bool, claims: BadgeClaims?, warnings: [String]) -> JSONValue {
        [
            "valid": .bool(valid), "level": .optional(claims?.level.rawValue), "sub": .optional(claims?.sub),
            "jti": .optional(claims?.jti), "warnings": .array(warnings.map(JSONValue.string)),
        ]
    }
}
