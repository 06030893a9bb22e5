import BadgeCore
import HTTPTypes
import Hummingbird
import NIOCore
import Registry

/// `POST /v1/webhooks/clerk`: Svix-signed user, organisation and membership events from Clerk
/// (CONTRACT.md §4.14). Unauthenticated apart from the signature; off without `CLERK_WEBHOOK_SECRET`.
struct ClerkWebhookController {
    static let path = "/v1/webhooks/clerk"

    let verifier: SvixVerifier?
    let identities: IdentityService
    let clock: any RegistryClock
    let bodyLimit: Int

    func register(on router: Router<AppRequestContext>) {
        router.post(RouterPath(Self.path)) { request, context in try await receive(request, context) }
    }

    private func receive(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        guard let verifier else {
            throw RegistryError(.clerkWebhookNotConfigured, "set CLERK_WEBHOOK_SECRET to enable the Clerk webhook")
        }
        var request = request
        let buffer = try await JSONBody.collect(&request, limit: bodyLimit)
        let body = Array(buffer.readableBytesView)
        func header(_ name: String) -> String { request.headers[HTTPField.Name(name)!] ?? "" }
        let id = header("svix-id")
        guard id.count <= 200,
              verifier.verify(id: id, timestamp: header("svix-timestamp"), signatureHeader: header("svix-signature"), body: body, now: clock.now())
        else {
            throw RegistryError(.invalidWebhookSignature, "missing, invalid or outdated Svix signature")
        }
        guard let event = try JSONBody.parse(body), let type = event["type"]?.stringValue, let data = event["data"], data.objectValue != nil else {
            throw RegistryError(.invalidRequest, "the event must be a JSON object with type and data")
        }
        let outcome = try await identities.handle(deliveryID: id, type: type, data: data)
        context.logger.info("clerk webhook", metadata: ["svix_id": .string(id), "event_type": .string(type), "outcome": .string(outcome.rawValue)])
        return APIResponse.json(["success": true, "data": ["outcome": .string(outcome.rawValue)]])
    }
}
