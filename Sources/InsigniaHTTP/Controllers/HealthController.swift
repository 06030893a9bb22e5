import BadgeCore
import Hummingbird
import Registry

/// Liveness, readiness and version.
struct HealthController {
    /// Named readiness checks; each throws when its dependency is unusable.
    let readinessChecks: [(name: String, check: @Sendable () async throws -> Void)]
    let version: String
    let commit: String

    func register(on router: Router<AppRequestContext>) {
        for path in ["/health", "/healthz"] {
            router.get(RouterPath(path)) { _, _ in APIResponse.json(["status": "ok"]) }
        }
        router.get("/health/ready") { _, context in try await ready(context) }
        router.get("/version") { _, _ in APIResponse.json(["version": .string(version), "commit": .string(commit)]) }
    }

    private func ready(_ context: AppRequestContext) async throws -> Response {
        var checks: [String: JSONValue] = [:]
        var healthy = true
        for (name, check) in readinessChecks {
            do {
                try await check()
                checks[name] = "ok"
            } catch {
                healthy = false
                context.logger.warning("readiness check failed", metadata: ["check": .string(name), "error.type": "\(type(of: error))"])
                checks[name] = "error: unavailable"
            }
        }
        if healthy { return APIResponse.json(["status": "ready", "checks": .object(checks)]) }
        return APIResponse.json(
            ["success": false, "error": "not_ready", "message": "a dependency is unavailable", "status": "not_ready", "checks": .object(checks)],
            status: .serviceUnavailable
        )
    }
}
