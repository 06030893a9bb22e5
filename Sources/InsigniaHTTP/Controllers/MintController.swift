import BadgeCore
import Hummingbird
import Registry

/// `POST /v1/badges/mint` (CONTRACT.md §4.8.6): no account; the DV grant and the PoP proof
/// authenticate. The answer is bare: `{badge, expires_at, jti}`.
struct MintController {
    let mint: MintService
    let bodyLimit: Int

    func register(on router: Router<AppRequestContext>) {
        router.post("/v1/badges/mint") { request, context in
            let body = try await JSONBody.object(request, limit: bodyLimit)
            // Wrongly typed members fail the phase that reads them, with that phase's code.
            let minted = try await mint.mint(MintService.Request(
                grant: body["grant"]?.stringValue, proof: body.first("proof", "proof_jws")?.value.stringValue,
                badgeRequest: body["badge_request"], clientIP: context.clientIP
            ))
            context.logger.info("badge minted", metadata: ["jti": .string(minted.claims.jti), "sub": .string(minted.claims.sub)])
            var answer: [String: JSONValue] = [
                "badge": .string(minted.token), "expires_at": .time(minted.claims.exp), "jti": .string(minted.claims.jti),
            ]
            if let index = minted.logIndex { answer["log_index"] = .int(index) }
            return APIResponse.json(.object(answer), headers: PublicController.noStore)
        }
    }
}
