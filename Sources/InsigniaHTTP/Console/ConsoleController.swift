import HTTPTypes
import Hummingbird
import Logging
import Registry

/// The admin console at `/console`: server-rendered pages over the same use cases as the API
/// (`AppServices`), with the signed-in key's scopes. It holds no rules of its own: every check that
/// is not about the browser session (scopes, tenancy, validation) is the use case's or the API's.
struct ConsoleController: Sendable {
    let services: AppServices
    let bodyLimit: Int
    /// The overview's counts, shared for a few seconds per organisation.
    let figures: OverviewService

    init(services: AppServices, bodyLimit: Int) {
        self.services = services
        self.bodyLimit = bodyLimit
        figures = OverviewService(agents: services.agents, badges: services.badges, clock: services.clock)
    }
    /// Cookies carry `Secure` when the issuer URL is https.
    var secureCookies: Bool { services.agents.issuer.origin.hasPrefix("https://") }

    /// Rows per list page.
    static let pageSize = 50

    func register(on router: Router<AppRequestContext>) {
        router.get("/console") { request, context in try await self.entry(request, context) }
        router.get("/console/sign-in") { request, _ in self.signInPage(request) }
        router.post("/console/sign-in") { request, context in try await self.signIn(request, context) }
        router.post("/console/sign-out") { request, context in
            try await self.signedIn(request, context, post: true) { _, _ in
                try await self.services.consoleSessions.signOut(ConsoleCookies.read(ConsoleCookies.session, request) ?? "")
                return ConsoleLayout.redirect("/console/sign-in", setCookie: ConsoleCookies.clear(ConsoleCookies.session, secure: self.secureCookies))
            }
        }
        page(router, "/console/overview") { session, _ in try await self.overview(session) }
        registerRegistry(.agents, on: router)
        registerRegistry(.servers, on: router)
        registerBadges(on: router)
        registerKeys(on: router)
        registerDomainValidation(on: router)
        page(router, "/console/ca-keys") { session, _ in try await self.caKeys(session) }
        action(router, "/console/ca-keys/rotate") { session, form in try await self.rotateCAKey(session, form) }
        page(router, "/console/audit") { session, request in try await self.audit(session, try ConsoleForm.query(request)) }
    }

    // MARK: Routing helpers

    /// A GET page of a signed-in session.
    func page(
        _ router: Router<AppRequestContext>, _ path: RouterPath,
        _ handler: @escaping @Sendable (ConsoleSignedIn, Request) async throws -> Response
    ) {
        router.get(path) { request, context in
            try await self.signedIn(request, context, post: false) { session, _ in try await handler(session, request) }
        }
    }

    /// A form POST of a signed-in session, refused without the session's anti-forgery token.
    func action(
        _ router: Router<AppRequestContext>, _ path: RouterPath,
        _ handler: @escaping @Sendable (ConsoleSignedIn, ConsoleForm) async throws -> Response
    ) {
        router.post(path) { request, context in
            try await self.signedIn(request, context, post: true) { session, form in try await handler(session, form ?? ConsoleForm.empty) }
        }
    }

    /// Resolves the session cookie (no session: to the sign-in page), checks the form's token on a
    /// POST, and turns refusals into readable pages with the API's status.
    func signedIn(
        _ request: Request, _ context: AppRequestContext, post: Bool,
        _ body: (ConsoleSignedIn, ConsoleForm?) async throws -> Response
    ) async throws -> Response {
        guard let sessionID = ConsoleCookies.read(ConsoleCookies.session, request) else {
            return ConsoleLayout.redirect("/console/sign-in")
        }
        var context = context
        let session: ConsoleSignedIn
        do {
            context.principal = try await services.consoleSessions.resume(sessionID)
            session = ConsoleSignedIn(principal: context.principal!, csrf: ConsoleSessionService.csrfToken(for: sessionID), context: context)
        } catch let error as RegistryError where error.category == .unauthorized {
            return ConsoleLayout.redirect("/console/sign-in", setCookie: ConsoleCookies.clear(ConsoleCookies.session, secure: secureCookies))
        }
        do {
            var form: ConsoleForm?
            if post {
                form = try await ConsoleForm.body(request, limit: bodyLimit)
                guard ConsoleSessionService.checkCSRF(form?["csrf"], sessionID: sessionID) else { throw Self.forgedForm }
            }
            return try await body(session, form)
        } catch let error as RegistryError {
            if error.category == .internal { context.logger.error("console request failed", metadata: ["error": "\(error.code.rawValue)"]) }
            return ConsoleLayout.error(error, session: session)
        } catch {
            // Never a stack trace or a JSON body in a page: a sentence, and the details in the log.
            context.logger.error("console request failed", metadata: ["error": "\(type(of: error))"])
            return ConsoleLayout.error(RegistryError(.internalError, "the server could not complete this request"), session: session)
        }
    }

    static let forgedForm = RegistryError(.forbidden, "this form's anti-forgery token is missing or wrong; reload the page and send it again")

    // MARK: Sign-in

    private func signInPage(_ request: Request, status: HTTPResponse.Status = .ok, message: String? = nil) -> Response {
        let token = ConsoleSessionService.randomID()
        var response = ConsoleLayout.page("Sign in", session: nil, status: status) {
            if let message { el("p", ["class": "error", "role": "alert"]) { message } }
            el("form", ["method": "post", "action": "/console/sign-in", "class": "card"]) {
                HTML.void("input", ["type": "hidden", "name": "csrf", "value": token])
                el("label", ["for": "api_key"]) { "API key" }
                HTML.void("input", [
                    "id": "api_key", "name": "api_key", "type": "password", "required": "", "autocomplete": "off",
                    "spellcheck": "false", "autofocus": "",
                ])
                el("p", ["class": "hint"]) { "The key's scopes apply to everything you do here. Sessions end after 8 hours idle or 24 hours." }
                el("button", ["type": "submit"]) { "Sign in" }
            }
            if services.consoleSessions.acceptsSessionTokens {
                el("p", ["class": "card", "id": "clerk-sign-in"]) {
                    "Signed in to this site's dashboard (Clerk)? "
                    el("a", ["href": "/console"]) { "Continue with that session" }
                    " — your role in the organisation applies."
                }
            }
        }
        // Double-submit: the sign-in form has no session yet, so its token is matched to a cookie.
        response.headers[.setCookie] = ConsoleCookies.set(ConsoleCookies.signIn, token, secure: secureCookies, maxAge: 3600)
        return response
    }

    /// `GET /console`: a live session goes to the overview; otherwise Clerk's `__session` cookie,
    /// when Clerk is configured and the browser sends one, signs in; otherwise the sign-in page.
    /// Only this entry reads Clerk's cookie, so signing out of the console is not undone by the
    /// next page load while the Clerk session lasts.
    private func entry(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        if let sessionID = ConsoleCookies.read(ConsoleCookies.session, request),
           (try? await services.consoleSessions.resume(sessionID)) != nil {
            return ConsoleLayout.redirect("/console/overview")
        }
        guard services.consoleSessions.acceptsSessionTokens, let token = ConsoleCookies.clerkSession(request) else {
            return ConsoleLayout.redirect("/console/sign-in")
        }
        do {
            let opened = try await services.consoleSessions.signIn(sessionToken: token, clientIP: context.clientIP)
            context.logger.info("console signed in with a Clerk session", metadata: ["user_id": .string(opened.principal.userID ?? "")])
            return opened.redirect(secure: secureCookies)
        } catch let error as RegistryError where error.category != .internal {
            // Why, in the verifier's words (expired, signature…), never the token; an API key still works.
            return signInPage(
                request, status: ErrorMapping.status(for: error.category),
                message: "Your Clerk session could not be used: \(ConsoleLayout.message(error)) Sign in to the dashboard again, or use an API key."
            )
        }
    }

    private func signIn(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        do {
            let form = try await ConsoleForm.body(request, limit: bodyLimit)
            guard let expected = ConsoleCookies.read(ConsoleCookies.signIn, request), form["csrf"] == expected else {
                throw Self.forgedForm
            }
            guard let key = form["api_key"] else { throw RegistryError.invalidRequest("enter an API key") }
            return try await services.consoleSessions.signIn(apiKey: key, clientIP: context.clientIP).redirect(secure: secureCookies)
        } catch let error as RegistryError where error.category == .unauthorized {
            return signInPage(request, status: .unauthorized, message: "That API key is not valid, or has been revoked or has expired.")
        } catch let error as RegistryError {
            return signInPage(request, status: ErrorMapping.status(for: error.category), message: ConsoleLayout.message(error))
        }
    }
}
