import Foundation
import InsigniaHTTP
import Logging
import Registry
import Storage

/// Start-up shared by `insignia serve` and every operator command: configuration and logging, and
/// failing in one line.
public enum Startup {
    /// Reads configuration from the process environment and bootstraps JSON logging (to stderr for
    /// commands whose stdout is data). A bad value prints one line naming the variable and exits 1.
    public static func load(logToStandardError: Bool) -> AppConfig {
        let config: AppConfig
        do {
            config = try AppConfig.fromEnvironment(ProcessInfo.processInfo.environment)
        } catch let error as ConfigError {
            fail("\(error)")
        } catch {
            fail("\(error)")
        }
        let level = logToStandardError ? max(config.logLevel, .warning) : config.logLevel
        LoggingSystem.bootstrap { JSONLogHandler(label: $0, level: level, toStandardError: logToStandardError) }
        return config
    }

    /// Prints `insignia: message` on stderr and exits with status 1.
    public static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("insignia: \(message)\n".utf8))
        exit(1)
    }

    /// Runs `body`, turning any escaping error into one line on stderr and exit status 1. Errors
    /// meant for operators print their description; anything else prints its type and a bounded
    /// description (driver errors may quote SQL, never secrets we hold).
    public static func run(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as OperatorFacingError {
            fail(error.description)
        } catch {
            fail("\(type(of: error)): \(String(describing: error).prefix(300))")
        }
    }
}

/// Errors whose description is safe and meant for operators.
public protocol OperatorFacingError: CustomStringConvertible {}

extension ConfigError: OperatorFacingError {}
extension RegistryError: OperatorFacingError {}
extension MigrationError: OperatorFacingError {}
extension BundledResources.MissingResource: OperatorFacingError {}
