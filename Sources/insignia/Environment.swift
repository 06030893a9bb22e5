import ArgumentParser
import Foundation
import InsigniaHTTP
import Logging

/// Shared start-up for every subcommand: configuration and logging.
enum CommandEnvironment {
    /// Reads configuration from the process environment. A bad value prints one line naming the
    /// variable and exits non-zero.
    static func load(logToStandardError: Bool) throws -> AppConfig {
        let config: AppConfig
        do {
            config = try AppConfig.fromEnvironment(ProcessInfo.processInfo.environment)
        } catch let error as ConfigError {
            fail("\(error)")
        }
        let level = logToStandardError ? max(config.logLevel, .warning) : config.logLevel
        LoggingSystem.bootstrap { JSONLogHandler(label: $0, level: level, toStandardError: logToStandardError) }
        return config
    }

    /// Prints `insignia: message` on stderr and exits with status 1.
    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("insignia: \(message)\n".utf8))
        exit(1)
    }

    /// Runs `body`, turning any escaping error into one line on stderr and exit status 1.
    static func run(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as ExitCode {
            throw error
        } catch let error as CustomStringConvertible where error is ConfigError || error is RegistryErrorLike {
            fail(error.description)
        } catch {
            fail("\(type(of: error)): \(String(describing: error).prefix(300))")
        }
    }
}

/// Errors whose description is safe and meant for operators.
protocol RegistryErrorLike {}
